package io.d2iq.kubetunnel.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart as helm itself reads it: {@code helm lint} and {@code helm template} with default and non-default
 * values, the kustomize base in deploy/ is exactly the chart rendered with defaults, and the RBAC it renders is the
 * rule set ControllerRbacIT and ControllerOnRealApiServerIT prove sufficient, as a ClusterRole or, namespace-scoped,
 * as a Role.
 */
class HelmChartIT {

    private static final String RELEASE_NS = "kubetunnel-system";
    private static final List<String> BASE_FILES = List.of(
            "serviceaccount", "clusterrole", "clusterrolebinding", "leader-election-role", "deployment", "service");

    @TempDir
    static Path dir;

    private static Helm helm;

    @BeforeAll
    static void helm() throws IOException {
        helm = new Helm(Files.createDirectories(dir.resolve("helm-home")));
    }

    @Test
    void helmLintPassesWithDefaultAndNonDefaultValues() throws Exception {
        helm.run("lint", "--strict", Helm.CHART.toString()).ok();
        helm.run(
                        "lint",
                        "--strict",
                        Helm.CHART.toString(),
                        "--set",
                        "watchNamespace=tenant-a",
                        "--set",
                        "replicas=2",
                        "--set",
                        "serviceMonitor.enabled=true",
                        "--set",
                        "networkPolicy.enabled=true",
                        "--set",
                        "logLevel=DEBUG")
                .ok();
    }

    @Test
    void theKustomizeBaseIsTheChartRenderedWithDefaults() throws Exception {
        Path out = dir.resolve("base");
        ProcessBuilder render =
                new ProcessBuilder("tools/helm/render-base.sh", out.toString()).redirectErrorStream(true);
        render.environment().put("KUBETUNNEL_HELM", Helm.binary().toString());
        Process process = render.start();
        String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(log).isZero();
        for (String name : BASE_FILES) {
            assertThat(Files.readString(Path.of("deploy", name + ".yaml")))
                    .as("deploy/%s.yaml differs from the chart: run tools/helm/render-base.sh and commit deploy/", name)
                    .isEqualTo(Files.readString(out.resolve(name + ".yaml")));
        }
        String monitor = "components/servicemonitor/servicemonitor.yaml";
        assertThat(Files.readString(Path.of("deploy").resolve(monitor)))
                .as("deploy/%s differs from the chart: run tools/helm/render-base.sh and commit deploy/", monitor)
                .isEqualTo(Files.readString(out.resolve(monitor)));
    }

    @Test
    void theChartReadsTheGeneratedCrdsAndTheShippedRoutesThroughSymlinksSoTheyCannotDrift() throws Exception {
        // helm follows symlinks when it loads and when it packages a chart (it warns on stderr that it did)
        assertThat(Helm.CHART.resolve("crds")).isSymbolicLink();
        assertThat(Helm.CHART.resolve("crds").toRealPath())
                .isEqualTo(Path.of("deploy/crds").toRealPath());
        assertThat(Helm.CHART.resolve("files/controller.camel.yaml")).isSymbolicLink();
        assertThat(Helm.CHART.resolve("files/controller.camel.yaml").toRealPath())
                .isEqualTo(Path.of("routes/controller.camel.yaml").toRealPath());

        List<String> crds = template("--include-crds").stream()
                .filter(o -> o.getKind().equals("CustomResourceDefinition"))
                .map(crd -> crd.getMetadata().getName())
                .sorted()
                .toList();
        assertThat(crds).containsExactly("tunnelconnectors.kubetunnel.d2iq.io", "tunnelgateways.kubetunnel.d2iq.io");
    }

    @Test
    void byDefaultTheControllerGetsTheProvenClusterRoleAndTheLeaseRole() throws Exception {
        List<HasMetadata> objects = template();

        ClusterRole role = one(objects, ClusterRole.class, "kubetunnel-controller");
        assertThat(role.getRules()).isEqualTo(provenRules());
        assertThat(kinds(objects))
                .contains("ClusterRoleBinding/kubetunnel-controller")
                .doesNotContain("ServiceMonitor/kubetunnel-controller", "NetworkPolicy/kubetunnel-controller");
        Role lease = one(objects, Role.class, "kubetunnel-controller-leader-election");
        assertThat(lease.getRules()).singleElement().satisfies(rule -> {
            assertThat(rule.getResources()).containsExactly("leases");
            assertThat(rule.getVerbs()).containsExactly("get", "create", "update", "patch");
        });
        Deployment deployment = one(objects, Deployment.class, "kubetunnel-controller");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(args(deployment))
                .containsExactly("controller", "--routes=/etc/kubetunnel/routes", "--management-port=8080");
        assertThat(one(objects, io.fabric8.kubernetes.api.model.ConfigMap.class, "kubetunnel-controller-routes")
                        .getData())
                .containsOnlyKeys("controller.camel.yaml")
                .containsEntry("controller.camel.yaml", Files.readString(Path.of("routes/controller.camel.yaml")));
    }

    @Test
    void namespaceScopedModeRendersTheSameRulesAsARoleInTheWatchedNamespaceAndNoClusterWideRights() throws Exception {
        List<HasMetadata> objects = template("--set", "watchNamespace=tenant-a");

        assertThat(objects).noneMatch(o -> o.getKind().startsWith("Cluster"));
        Role role = one(objects, Role.class, "kubetunnel-controller");
        assertThat(role.getMetadata().getNamespace()).isEqualTo("tenant-a");
        assertThat(role.getRules()).isEqualTo(provenRules());
        RoleBinding binding = one(objects, RoleBinding.class, "kubetunnel-controller");
        assertThat(binding.getMetadata().getNamespace()).isEqualTo("tenant-a");
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getName()).isEqualTo("kubetunnel-controller");
            assertThat(subject.getNamespace()).isEqualTo(RELEASE_NS);
        });
        assertThat(args(one(objects, Deployment.class, "kubetunnel-controller")))
                .contains("--namespace=tenant-a");
    }

    @Test
    void twoReplicasKeepLeaderElectionAndWithoutItTheChartRefusesToRender() throws Exception {
        List<HasMetadata> objects = template("--set", "replicas=2");
        Deployment deployment = one(objects, Deployment.class, "kubetunnel-controller");
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
        assertThat(args(deployment)).doesNotContain("--no-leader-election");
        assertThat(kinds(objects)).contains("Role/kubetunnel-controller-leader-election");

        Helm.Result refused = helm.run(
                "template",
                "kubetunnel",
                Helm.CHART.toString(),
                "--namespace",
                RELEASE_NS,
                "--set",
                "replicas=2",
                "--set",
                "leaderElection=false");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("replicas > 1 needs leaderElection: true");

        List<HasMetadata> single = template("--set", "leaderElection=false");
        assertThat(args(one(single, Deployment.class, "kubetunnel-controller"))).contains("--no-leader-election");
        assertThat(kinds(single)).doesNotContain("Role/kubetunnel-controller-leader-election");
    }

    @Test
    void serviceMonitorAndNetworkPolicyWhenEnabledSelectTheControllersManagementPort() throws Exception {
        List<HasMetadata> objects = template(
                "--set",
                "serviceMonitor.enabled=true",
                "--set",
                "networkPolicy.enabled=true",
                "--set",
                "serviceMonitor.labels.release=prometheus");

        GenericKubernetesResource monitor = one(objects, GenericKubernetesResource.class, "kubetunnel-controller");
        assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
        assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
        assertThat(monitor.<String>get("spec", "endpoints", 0, "port")).isEqualTo("management");
        assertThat(monitor.<String>get("spec", "endpoints", 0, "path")).isEqualTo("/observe/metrics");
        assertThat(monitor.<Map<String, String>>get("spec", "selector", "matchLabels"))
                .isEqualTo(one(objects, io.fabric8.kubernetes.api.model.Service.class, "kubetunnel-controller-metrics")
                        .getSpec()
                        .getSelector());
        var policy = one(
                objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, "kubetunnel-controller");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(one(objects, Deployment.class, "kubetunnel-controller")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels());
        assertThat(policy.getSpec().getIngress())
                .singleElement()
                .satisfies(rule -> assertThat(rule.getPorts())
                        .singleElement()
                        .satisfies(
                                port -> assertThat(port.getPort().getStrVal()).isEqualTo("management")));
    }

    @Test
    void valuesReachTheControllersFlagsEnvironmentImageAndRoutes() throws Exception {
        Path values = Files.writeString(dir.resolve("values.yaml"), """
                image: {repository: registry.example.com/mirror/kubetunnel, tag: "1.2.3"}
                agentClusterRole: view
                ingressNamespace: ingress-nginx
                logLevel: DEBUG
                extraArgs: [--resync-seconds=30]
                resources: {requests: {cpu: 50m, memory: 128Mi}, limits: null}
                extraRoutes:
                  audit.camel.yaml: |
                    - route:
                        id: audit-tick
                        from: {uri: "timer:audit"}
                        steps: [{log: tick}]
                """);
        List<HasMetadata> objects = template("--values", values.toString());

        Deployment deployment = one(objects, Deployment.class, "kubetunnel-controller");
        var container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example.com/mirror/kubetunnel:1.2.3");
        assertThat(container.getEnv())
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("KUBETUNNEL_IMAGE");
                    assertThat(env.getValue()).isEqualTo(container.getImage());
                })
                .anySatisfy(env -> {
                    assertThat(env.getName()).isEqualTo("KUBETUNNEL_LOG_LEVEL");
                    assertThat(env.getValue()).isEqualTo("DEBUG");
                });
        assertThat(args(deployment))
                .contains("--agent-cluster-role=view", "--ingress-namespace=ingress-nginx", "--resync-seconds=30");
        assertThat(container.getResources().getRequests()).containsOnlyKeys("cpu", "memory");
        assertThat(container.getResources().getLimits()).isNullOrEmpty();
        var routes = one(objects, io.fabric8.kubernetes.api.model.ConfigMap.class, "kubetunnel-controller-routes");
        assertThat(routes.getData()).containsOnlyKeys("controller.camel.yaml", "audit.camel.yaml");
        assertThat(routes.getData().get("audit.camel.yaml")).contains("id: audit-tick");
        String defaultChecksum = one(template(), Deployment.class, "kubetunnel-controller")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("checksum/routes");
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getAnnotations()
                        .get("checksum/routes"))
                .as("new routes roll the pods on helm upgrade")
                .isNotEqualTo(defaultChecksum);
    }

    private static List<HasMetadata> template(String... values) throws IOException {
        List<String> args =
                new ArrayList<>(List.of("template", "kubetunnel", Helm.CHART.toString(), "--namespace", RELEASE_NS));
        args.addAll(List.of(values));
        String yaml = helm.run(args.toArray(String[]::new)).ok();
        return Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    /** The rules the least-privilege tests prove: deploy/clusterrole.yaml, which the test above keeps equal to the chart. */
    private static List<PolicyRule> provenRules() throws IOException {
        return Serialization.unmarshal(Files.readString(Path.of("deploy/clusterrole.yaml")), ClusterRole.class)
                .getRules();
    }

    private static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> type, String name) {
        List<T> found = objects.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(o -> o.getMetadata().getName().equals(name))
                .toList();
        assertThat(found)
                .as("%s %s in %s", type.getSimpleName(), name, kinds(objects))
                .hasSize(1);
        return found.get(0);
    }

    private static List<String> kinds(List<HasMetadata> objects) {
        return objects.stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .toList();
    }

    private static List<String> args(Deployment deployment) {
        return deployment
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs();
    }
}
