package io.d2iq.kubetunnel.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.helm.Helm;
import io.d2iq.kubetunnel.local.Kubectl;
import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import io.d2iq.kubetunnel.local.runner.LocalRunner;
import io.d2iq.kubetunnel.local.runner.RunnerOptions;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code helm install} of deploy/helm/kubetunnel on a real kube-apiserver, then the controller run as the chart's
 * ServiceAccount (a TokenRequest token) with the flags of the chart's Deployment, under the real RBAC authorizer:
 * it reconciles the samples without one forbidden call, cluster-wide and namespace-scoped, and with the kubelet-mode
 * runner running the tunnel-server and webhook Pods the samples reach Listening. The chart's image is not available
 * here and the runner runs only the workload roles, so the controller runs as a process rather than as the
 * Deployment's Pod (which stays Pending).
 */
class HelmInstallOnRealApiServerIT {

    private static final String NS = "default";
    private static final String CONNECTOR = "demo-cluster";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ControlPlaneExtension MANAGEMENT = new ControlPlaneExtension("management");

    private static ControlPlane cluster;
    private static KubernetesClient admin;
    private static Kubectl kubectl;
    private static Helm helm;

    @BeforeAll
    static void start() throws IOException {
        cluster = MANAGEMENT.plane();
        admin = cluster.adminClient();
        kubectl = new Kubectl(cluster.adminKubeconfig(), Files.createDirectories(dir.resolve("kubectl")));
        helm = new Helm(Files.createDirectories(dir.resolve("helm-home")));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void helmInstallThenTheControllerAsTheChartsServiceAccountReconcilesTheSamplesWithoutOneForbiddenCall()
            throws Exception {
        installReconcileUninstall("kubetunnel", "kubetunnel-system", List.of(), false);
        assertThat(admin.rbac().clusterRoles().withName("kubetunnel-controller").get())
                .as("uninstalled")
                .isNull();
    }

    @Test
    void aNamespaceScopedReleaseHoldsNoClusterWideRightsAndStillReconcilesTheSamplesInItsNamespace() throws Exception {
        installReconcileUninstall("tenant", "tenant-system", List.of("--set", "watchNamespace=" + NS), false);
    }

    @Test
    void withTheKubeletModeRunnerRunningTheTunnelPodsTheSamplesReachListening() throws Exception {
        installReconcileUninstall("kubetunnel", "kubetunnel-system", List.of(), true);
    }

    /**
     * Installs the chart, runs the controller as its ServiceAccount until the samples are reconciled (to Listening when
     * {@code kubelet}: the kubelet-mode runner then runs the tunnel-server and webhook Pods kcm creates; the
     * controller's own Pod stays Pending, as its role is not one the runner runs), then uninstalls.
     */
    private void installReconcileUninstall(String release, String releaseNs, List<String> values, boolean kubelet)
            throws Exception {
        List<String> install = new java.util.ArrayList<>(List.of(
                "install",
                release,
                Helm.CHART.toString(),
                "--kubeconfig",
                cluster.adminKubeconfig().toString(),
                "--namespace",
                releaseNs,
                "--create-namespace"));
        install.addAll(values);
        helm.run(install.toArray(String[]::new)).ok();
        ControllerProcess controller = null;
        LocalRunner runner = null;
        try {
            assertThat(helm.run(
                                    "status",
                                    release,
                                    "--kubeconfig",
                                    cluster.adminKubeconfig().toString(),
                                    "--namespace",
                                    releaseNs)
                            .ok())
                    .contains("STATUS: deployed");
            boolean namespaced = !values.isEmpty();
            assertThat(admin.rbac()
                                    .clusterRoleBindings()
                                    .withName("kubetunnel-controller")
                                    .get()
                            != null)
                    .isNotEqualTo(namespaced);
            Deployment deployment = admin.apps()
                    .deployments()
                    .inNamespace(releaseNs)
                    .withName("kubetunnel-controller")
                    .get();
            assertThat(deployment).isNotNull();
            // the Deployment's flags, minus the two ControllerProcess sets for a process outside a Pod
            List<String> flags = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs().stream()
                    .filter(arg -> !arg.equals("controller")
                            && !arg.startsWith("--routes=")
                            && !arg.startsWith("--management-port="))
                    .toList();
            String token = cluster.serviceAccountToken(releaseNs, "kubetunnel-controller");
            Path kubeconfig =
                    Files.writeString(dir.resolve(release + ".kubeconfig"), cluster.kubeconfigWithToken(token));
            if (kubelet) {
                runner = LocalRunner.startKubelet(
                        admin,
                        RunnerOptions.defaults()
                                .withWorkDir(Files.createDirectories(dir.resolve("runner-" + release)))
                                .withApiCa(cluster.caPem()));
            }
            kubectl.run("apply", "-f", "deploy/samples/").ok();
            controller = ControllerProcess.start(
                    kubeconfig,
                    releaseNs,
                    release + "-controller-0",
                    dir.resolve(release + "-" + System.nanoTime() + ".log"),
                    flags);
            ControllerProcess running = controller;

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(running.isAlive()).as("controller running").isTrue();
                TunnelConnector connector = admin.resources(TunnelConnector.class)
                        .inNamespace(NS)
                        .withName(CONNECTOR)
                        .get();
                assertThat(connector.getStatus()).isNotNull();
                assertThat(connector.getStatus().getState()).isNotNull();
                assertThat(connector.getStatus().getServiceAccountRef()).isNotNull();
            });
            if (kubelet) {
                await().atMost(Duration.ofSeconds(180))
                        .untilAsserted(() -> assertThat(admin.resources(TunnelConnector.class)
                                        .inNamespace(NS)
                                        .withName(CONNECTOR)
                                        .get()
                                        .getStatus()
                                        .getState())
                                .isEqualTo(TunnelConnectorState.Listening));
            }
            assertThat(children())
                    .extracting(
                            child -> child.getKind() + "/" + child.getMetadata().getName())
                    .contains(
                            "Deployment/" + ConnectorResources.tunnelServerName(CONNECTOR),
                            "Deployment/" + ConnectorResources.kubeconfigWebhookName(CONNECTOR),
                            "Ingress/" + ConnectorResources.tunnelServerName(CONNECTOR),
                            "Role/" + ConnectorResources.agentRoleName(CONNECTOR));
            // a second pass over the same objects (resync, child events) must not need more rights either
            await().pollDelay(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> true);
            assertThat(controller.lines())
                    .as("every call the controller makes is allowed by the chart's RBAC")
                    .noneMatch(
                            line -> line.contains("Forbidden") || line.contains("forbidden") || line.contains(" 403"));
            assertThat(controller.logged("leader election: leading, Lease " + releaseNs + "/kubetunnel-controller"))
                    .isTrue();
        } finally {
            kubectl.run("delete", "-f", "deploy/samples/", "--ignore-not-found", "--wait=true")
                    .ok();
            await().atMost(Duration.ofSeconds(60)).until(() -> children().isEmpty());
            if (controller != null) {
                controller.close();
                System.err.println(String.join("\n", controller.lines()));
            }
            if (runner != null) {
                runner.close();
            }
            helm.run(
                            "uninstall",
                            release,
                            "--kubeconfig",
                            cluster.adminKubeconfig().toString(),
                            "--namespace",
                            releaseNs,
                            "--wait")
                    .ok();
        }
    }

    /** Every object that carries the connector label in the connector's namespace. */
    private static List<HasMetadata> children() {
        String label = ConnectorResources.CONNECTOR_LABEL;
        return Stream.of(
                        admin.serviceAccounts()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        admin.rbac()
                                .roles()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        admin.rbac()
                                .roleBindings()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        admin.secrets().inNamespace(NS).withLabel(label).list().getItems(),
                        admin.services().inNamespace(NS).withLabel(label).list().getItems(),
                        admin.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        admin.network()
                                .v1()
                                .ingresses()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems())
                .flatMap(List::stream)
                .map(HasMetadata.class::cast)
                .toList();
    }
}
