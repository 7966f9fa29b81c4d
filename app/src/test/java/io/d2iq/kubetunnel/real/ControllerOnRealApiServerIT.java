package io.d2iq.kubetunnel.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.local.Kubectl;
import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import io.d2iq.kubetunnel.local.runner.LocalRunner;
import io.d2iq.kubetunnel.local.runner.RunnerOptions;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller against a real kube-apiserver and kube-controller-manager: installed with {@code kubectl apply -k
 * deploy/}, run as the shipped ServiceAccount under the real RBAC authorizer, electing a leader on the real Lease, its
 * children removed by the real garbage collector. No kubelet runs, so connectors stop at Starting: what is proven here
 * is the controller's side of the contract with Kubernetes.
 */
class ControllerOnRealApiServerIT {

    private static final String SYSTEM_NS = "kubetunnel-system";
    private static final String NS = "default";
    private static final String CONNECTOR = "demo-cluster";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ControlPlaneExtension MANAGEMENT = new ControlPlaneExtension("management");

    private static ControlPlane cluster;
    private static KubernetesClient admin;
    private static Kubectl kubectl;
    private static Path controllerKubeconfig;
    private final List<ControllerProcess> controllers = new ArrayList<>();

    @BeforeAll
    static void startClusterAndInstall() throws IOException {
        cluster = MANAGEMENT.plane();
        admin = cluster.adminClient();
        kubectl = new Kubectl(cluster.adminKubeconfig(), Files.createDirectories(dir.resolve("kubectl")));
        kubectl.run("apply", "-k", "deploy/").ok();
        String token = cluster.serviceAccountToken(SYSTEM_NS, "kubetunnel-controller");
        controllerKubeconfig =
                Files.writeString(dir.resolve("controller.kubeconfig"), cluster.kubeconfigWithToken(token));
    }

    @AfterAll
    static void stopCluster() {
        if (admin != null) {
            admin.close();
        }
    }

    @BeforeEach
    void applySamples() {
        kubectl.run("apply", "-f", "deploy/samples/").ok();
    }

    @AfterEach
    void stopControllers() throws Exception {
        for (ControllerProcess controller : controllers) {
            controller.close();
            System.err.println(String.join("\n", controller.lines()));
        }
        kubectl.run("delete", "-f", "deploy/samples/", "--ignore-not-found", "--wait=true")
                .ok();
        await().atMost(Duration.ofSeconds(60)).until(() -> children().isEmpty());
        admin.leases().inNamespace(SYSTEM_NS).delete();
    }

    @Test
    void theControllerAsTheShippedServiceAccountReconcilesTheSamplesWithoutOneForbiddenCall() throws Exception {
        ControllerProcess controller = controller("controller-0", List.of());

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            TunnelConnector connector = admin.resources(TunnelConnector.class)
                    .inNamespace(NS)
                    .withName(CONNECTOR)
                    .get();
            assertThat(connector.getStatus()).isNotNull();
            assertThat(connector.getStatus().getState()).isNotNull();
            assertThat(connector.getStatus().getServiceAccountRef()).isNotNull();
        });
        assertThat(children())
                .extracting(child -> child.getKind() + "/" + child.getMetadata().getName())
                .contains(
                        "Deployment/" + ConnectorResources.tunnelServerName(CONNECTOR),
                        "Deployment/" + ConnectorResources.kubeconfigWebhookName(CONNECTOR),
                        "Service/" + ConnectorResources.tunnelServerName(CONNECTOR),
                        "Ingress/" + ConnectorResources.tunnelServerName(CONNECTOR),
                        "ServiceAccount/" + ConnectorResources.agentServiceAccountName(CONNECTOR),
                        "Role/" + ConnectorResources.agentRoleName(CONNECTOR),
                        "RoleBinding/" + ConnectorResources.agentRoleBindingName(CONNECTOR));
        // a second pass over the same objects (resync, child events) must not need more rights either
        await().pollDelay(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> true);
        assertThat(controller.lines())
                .as("every call the controller makes is allowed by deploy/'s RBAC")
                .noneMatch(line -> line.contains("Forbidden") || line.contains("forbidden") || line.contains(" 403"));
        assertThat(controller.logged("leader election: leading, Lease " + SYSTEM_NS + "/kubetunnel-controller"))
                .isTrue();

        // what kubectl shows a user of a real API server
        String wide = kubectl.run("get", "tc", "-n", NS, "-o", "wide").ok();
        assertThat(wide.lines().findFirst())
                .hasValueSatisfying(header ->
                        assertThat(header).matches("NAME\\s+GATEWAY\\s+STATE\\s+AGE\\s+REASON\\s+MESSAGE\\s*"));
        assertThat(wide).contains(CONNECTOR, "Starting");
        assertThat(kubectl.run("get", "kubetunnel", "-n", NS, "-o", "name").ok())
                .contains(
                        "tunnelconnector.kubetunnel.d2iq.io/" + CONNECTOR,
                        "tunnelgateway.kubetunnel.d2iq.io/demo-gateway");
        assertThat(kubectl.run("describe", "tc", CONNECTOR, "-n", NS).ok())
                .as("the Events of its transitions")
                .containsPattern("Normal\\s+Starting")
                .doesNotContain("Events:  <none>");
    }

    @Test
    void deletingAConnectorLetsKubernetesGarbageCollectorRemoveEveryChildThroughOwnerReferences() throws Exception {
        ControllerProcess controller = controller("controller-0", List.of());
        await().atMost(Duration.ofSeconds(90)).until(() -> children().size() >= 8);
        TunnelConnector connector = admin.resources(TunnelConnector.class)
                .inNamespace(NS)
                .withName(CONNECTOR)
                .get();
        List<HasMetadata> children = children();
        for (HasMetadata child : children) {
            assertThat(child.getMetadata().getOwnerReferences())
                    .as("%s %s", child.getKind(), child.getMetadata().getName())
                    .singleElement()
                    .satisfies(owner -> assertOwnedBy(owner, connector));
        }
        // the controller is gone, so only kube-controller-manager's garbage collector can remove the children
        controller.close();
        controllers.clear();
        admin.resource(connector).delete();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(children()).isEmpty());
    }

    @Test
    void twoControllersOneLeaseOnlyTheLeaderReconcilesAndAKilledLeaderIsReplacedWithinTheLease() throws Exception {
        ControllerProcess first = controller("controller-a", List.of("--lease-seconds", "6"));
        await().atMost(Duration.ofSeconds(60)).until(() -> first.logged("leader election: leading"));
        ControllerProcess second = controller("controller-b", List.of("--lease-seconds", "6"));
        await().atMost(Duration.ofSeconds(60)).until(() -> second.logged("leader election: following"));
        await().atMost(Duration.ofSeconds(90))
                .until(() -> first.logged("reconciled connector=" + NS + "/" + CONNECTOR));
        assertThat(second.logged("reconciled connector="))
                .as("the follower writes nothing")
                .isFalse();

        first.kill(); // a crash: nothing releases the Lease
        long killed = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> second.logged("leader election: leading"));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        // the Lease (6 s) runs out, then the follower's next retry (6 s / 5, jittered) takes it
        assertThat(takeover).isLessThan(Duration.ofSeconds(6 + 3 + 2));
        admin.resources(TunnelConnector.class)
                .inNamespace(NS)
                .withName(CONNECTOR)
                .delete();
        kubectl.run("apply", "-f", "deploy/samples/tunnelconnector.yaml").ok();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> second.logged("reconciled connector=" + NS + "/" + CONNECTOR));
    }

    @Test
    void
            aControllerStartedFromALaptopWithOnlyAKubeconfigLeadsInTheKubeconfigsNamespaceAndReconcilesTheSamplesToListening()
                    throws Exception {
        // the cluster's nodes: the kubelet-mode runner runs the tunnel-server and webhook Pods kcm creates
        try (LocalRunner nodes = LocalRunner.startKubelet(
                admin,
                RunnerOptions.defaults()
                        .withWorkDir(Files.createDirectories(dir.resolve("laptop-nodes")))
                        .withApiCa(cluster.caPem()))) {
            // no POD_NAMESPACE, no flag: as `java -jar kubetunnel.jar controller --kubeconfig ~/.kube/config` is first
            // tried
            ControllerProcess controller = ControllerProcess.start(
                    cluster.adminKubeconfig(),
                    null,
                    "laptop",
                    dir.resolve("laptop-" + System.nanoTime() + ".log"),
                    List.of());
            controllers.add(controller);

            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(120))
                    .untilAsserted(() -> assertThat(admin.resources(TunnelConnector.class)
                                    .inNamespace(NS)
                                    .withName(CONNECTOR)
                                    .get()
                                    .getStatus()
                                    .getState())
                            .isEqualTo(TunnelConnectorState.Listening));
            assertThat(controller.logged("leader election: leading, Lease default/kubetunnel-controller"))
                    .isTrue();
            assertThat(admin.leases()
                            .inNamespace("default")
                            .withName("kubetunnel-controller")
                            .get()
                            .getSpec()
                            .getHolderIdentity())
                    .startsWith("laptop_");
            controller.close();
            controllers.remove(controller);
            System.err.println(String.join("\n", controller.lines()));
        }
        admin.leases().inNamespace("default").delete();
    }

    @Test
    void theDkpWalkthroughObjectsAppliedVerbatimGetTheirIngressPathsAndTraefikAnnotations() throws Exception {
        controller("controller-0", List.of());
        String walkthrough = """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: kommander
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: kommander-traefik-ca
                  namespace: kommander
                type: Opaque
                stringData:
                  ca.crt: |
                %s
                ---
                apiVersion: kubetunnel.d2iq.io/v1alpha1
                kind: TunnelGateway
                metadata:
                  name: kubetunnel
                  namespace: kommander
                spec:
                  ingress:
                    urlPathPrefix: /dkp/kubetunnel
                    caSecretRef:
                      apiVersion: v1
                      kind: Secret
                      name: kommander-traefik-ca
                      namespace: kommander
                    extraAnnotations:
                      kubernetes.io/ingress.class: kommander-traefik
                      traefik.ingress.kubernetes.io/router.tls: "true"
                ---
                apiVersion: kubetunnel.d2iq.io/v1alpha1
                kind: TunnelConnector
                metadata:
                  name: edge-1
                  namespace: kommander
                spec:
                  gatewayRef:
                    name: kubetunnel
                """.formatted(cluster.caPem().strip().indent(4).stripTrailing());
        kubectl.runWithInput(walkthrough, "apply", "-f", "-").ok();
        try {
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(ingressPath("kommander", ConnectorResources.tunnelServerName("edge-1")))
                        .isEqualTo("/dkp/kubetunnel/kommander/edge-1/tunnel-server");
                assertThat(ingressPath("kommander", ConnectorResources.kubeconfigWebhookName("edge-1")))
                        .isEqualTo("/dkp/kubetunnel/kommander/edge-1/kubeconfig");
            });
            assertThat(admin.network()
                            .v1()
                            .ingresses()
                            .inNamespace("kommander")
                            .withName(ConnectorResources.tunnelServerName("edge-1"))
                            .get()
                            .getMetadata()
                            .getAnnotations())
                    .containsEntry("traefik.ingress.kubernetes.io/router.tls", "true")
                    .containsEntry("kubernetes.io/ingress.class", "kommander-traefik");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                TunnelConnector connector = admin.resources(TunnelConnector.class)
                        .inNamespace("kommander")
                        .withName("edge-1")
                        .get();
                assertThat(connector.getStatus()).isNotNull();
                assertThat(connector.getStatus().getState())
                        .as("not Failed: the walkthrough's objects are valid")
                        .hasToString("Starting");
            });
        } finally {
            kubectl.runWithInput(walkthrough, "delete", "-f", "-", "--wait=true")
                    .ok();
        }
    }

    private static String ingressPath(String namespace, String name) {
        var ingress = admin.network()
                .v1()
                .ingresses()
                .inNamespace(namespace)
                .withName(name)
                .get();
        return ingress == null
                ? null
                : ingress.getSpec()
                        .getRules()
                        .get(0)
                        .getHttp()
                        .getPaths()
                        .get(0)
                        .getPath();
    }

    private ControllerProcess controller(String podName, List<String> flags) throws IOException {
        ControllerProcess controller = ControllerProcess.start(
                controllerKubeconfig,
                SYSTEM_NS,
                podName,
                dir.resolve(podName + "-" + System.nanoTime() + ".log"),
                flags);
        controllers.add(controller);
        return controller;
    }

    private static void assertOwnedBy(OwnerReference owner, TunnelConnector connector) {
        assertThat(owner.getUid()).isEqualTo(connector.getMetadata().getUid());
        assertThat(owner.getKind()).isEqualTo("TunnelConnector");
        assertThat(owner.getController()).isTrue();
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
