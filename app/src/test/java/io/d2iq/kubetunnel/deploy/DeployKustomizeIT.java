package io.d2iq.kubetunnel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.controller.ControllerApplication;
import io.d2iq.kubetunnel.local.Kubectl;
import io.d2iq.kubetunnel.local.LocalApi;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/ through the real kubectl's built-in kustomize, and applied to the embedded API. */
class DeployKustomizeIT {

    private static final String NAMESPACE = "kubetunnel-system";
    private static final Path DEPLOY = Path.of("deploy").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void kustomizeRendersTheControllerInstall() throws Exception {
        List<HasMetadata> objects = kustomize(DEPLOY);

        assertThat(objects)
                .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains(
                        "CustomResourceDefinition/tunnelconnectors.kubetunnel.d2iq.io",
                        "CustomResourceDefinition/tunnelgateways.kubetunnel.d2iq.io",
                        "Namespace/kubetunnel-system",
                        "ServiceAccount/kubetunnel-controller",
                        "ClusterRole/kubetunnel-controller",
                        "ClusterRoleBinding/kubetunnel-controller",
                        "Role/kubetunnel-controller-leader-election",
                        "RoleBinding/kubetunnel-controller-leader-election",
                        "Deployment/kubetunnel-controller",
                        "Service/kubetunnel-controller-metrics");
        assertThat(objects).noneMatch(o -> o.getKind().equals("ServiceMonitor"));
        assertThat(objects)
                .filteredOn(o -> !o.getKind().startsWith("Cluster")
                        && !o.getKind().equals("CustomResourceDefinition")
                        && !o.getKind().equals("Namespace"))
                .allMatch(o -> NAMESPACE.equals(o.getMetadata().getNamespace()));
        ClusterRoleBinding binding = only(objects, ClusterRoleBinding.class);
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getName()).isEqualTo("kubetunnel-controller");
            assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
        });

        Deployment deployment = only(objects, Deployment.class);
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(ControllerApplication.CONTROLLER_POD_LABELS);
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("kubetunnel-controller");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        Container controller = pod.getContainers().get(0);
        assertThat(controller.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(controller.getSecurityContext().getAllowPrivilegeEscalation())
                .isFalse();
        assertThat(controller.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(controller.getResources().getLimits()).containsKey("memory");
        assertThat(controller.getEnv())
                .filteredOn(e -> e.getName().equals("POD_NAMESPACE"))
                .singleElement()
                .extracting(EnvVar::getValueFrom)
                .extracting(v -> v.getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(controller.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("management");
            assertThat(p.getContainerPort()).isEqualTo(8080);
        });
        assertThat(controller.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
        assertThat(controller.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        assertThat(controller.getArgs()).startsWith("controller").contains("--management-port=8080");

        VolumeMount routesMount = mount(controller, "routes");
        assertThat(controller.getArgs()).contains("--routes=" + routesMount.getMountPath());
        assertThat(mount(controller, "tmp").getMountPath()).isEqualTo("/tmp");
        assertThat(volume(pod, "tmp").getEmptyDir()).isNotNull();
        ConfigMap routes = only(objects, ConfigMap.class);
        assertThat(volume(pod, "routes").getConfigMap().getName())
                .isEqualTo(routes.getMetadata().getName())
                .startsWith("kubetunnel-controller-routes-");
        assertThat(routes.getData())
                .containsEntry("controller.camel.yaml", Files.readString(Path.of("routes/controller.camel.yaml")));

        Service metrics = only(objects, Service.class);
        assertThat(metrics.getSpec().getSelector()).containsAllEntriesOf(ControllerApplication.CONTROLLER_POD_LABELS);
        assertThat(metrics.getSpec().getPorts())
                .singleElement()
                .satisfies(p -> assertThat(p.getName()).isEqualTo("management"));
    }

    @Test
    void theServiceMonitorComponentAddsAServiceMonitorForTheMetricsPort() throws Exception {
        Path overlay = Files.createDirectories(work.resolve("overlay"));
        Files.writeString(
                overlay.resolve("kustomization.yaml"),
                "resources:\n- " + overlay.relativize(DEPLOY) + "\ncomponents:\n- "
                        + overlay.relativize(DEPLOY.resolve("components/servicemonitor")) + "\n");

        String rendered = kustomizeText(overlay);

        assertThat(rendered).contains("kind: ServiceMonitor", "path: /observe/metrics", "port: management");
    }

    @Test
    void applyKustomizeInstallsTheControllerIntoTheEmbeddedApi() {
        try (LocalApi api = LocalApi.start(false)) {
            Kubectl kubectl = new Kubectl(api.kubeconfigFile(), work);
            Kubectl.Result applied = kubectl.run("apply", "-k", DEPLOY.toString());
            assertThat(applied.exitCode()).as(applied.err()).isZero();

            assertThat(applied.out())
                    .contains(
                            "deployment.apps/kubetunnel-controller created",
                            "clusterrole.rbac.authorization.k8s.io/kubetunnel-controller created",
                            "customresourcedefinition.apiextensions.k8s.io/tunnelconnectors.kubetunnel.d2iq.io created");

            KubernetesClient client = api.client();
            assertThat(client.apps()
                            .deployments()
                            .inNamespace(NAMESPACE)
                            .withName("kubetunnel-controller")
                            .get())
                    .isNotNull();
            assertThat(client.rbac()
                            .clusterRoles()
                            .withName("kubetunnel-controller")
                            .get())
                    .isNotNull();
            assertThat(kubectl.run("get", "configmaps", "-n", NAMESPACE, "-o", "name")
                            .ok())
                    .contains("configmap/kubetunnel-controller-routes-");
            Kubectl.Result again = kubectl.run("apply", "-k", DEPLOY.toString());
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.out()).contains("deployment.apps/kubetunnel-controller unchanged");
        }
    }

    private List<HasMetadata> kustomize(Path dir) throws Exception {
        Object parsed = Serialization.unmarshal(
                new ByteArrayInputStream(kustomizeText(dir).getBytes(StandardCharsets.UTF_8)));
        @SuppressWarnings("unchecked")
        List<HasMetadata> objects = (List<HasMetadata>) parsed;
        return objects;
    }

    private String kustomizeText(Path dir) throws Exception {
        Process process = new ProcessBuilder(Kubectl.binary().toString(), "kustomize", dir.toString())
                .redirectError(work.resolve("kustomize.err").toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor())
                .as(() -> readQuietly(work.resolve("kustomize.err")))
                .isZero();
        return out;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        return objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .reduce((a, b) -> {
                    throw new AssertionError("more than one " + type.getSimpleName());
                })
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName()));
    }

    private static VolumeMount mount(Container container, String name) {
        return container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Volume volume(PodSpec pod, String name) {
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
