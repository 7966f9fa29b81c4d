package io.d2iq.kubetunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.local.runner.LocalRunner;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ConnectorLabels;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector lifecycle on two real control planes (management and remote: etcd, kube-apiserver,
 * kube-controller-manager 1.34), each with a kubelet-mode local runner: kcm creates every Pod and computes every
 * Deployment's and Job's status, RBAC is enforced for every role, and kcm's garbage collector removes what a
 * deleted connector owned. Every change is made with the kubectl built with the control plane.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConnectorLifecycleOnRealClustersE2E {

    @TempDir
    static Path dir;

    private static ControlPlaneClusters clusters;
    private final List<E2eConnection> connections = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        clusters = ControlPlaneClusters.start(dir);
    }

    @AfterAll
    static void stop() {
        if (clusters != null) {
            clusters.close();
        }
    }

    @AfterEach
    void disconnect() {
        connections.forEach(E2eConnection::close);
    }

    private E2eConnection connect(String name) throws Exception {
        E2eConnection connection = E2eConnection.connect(clusters, name, 0, dir);
        connections.add(connection);
        return connection;
    }

    @Test
    @Order(1)
    void aConnectorConnectsAcrossTwoRealClustersAndKubectlGetAndWatchReachTheRemoteApiThroughTheTunnel()
            throws Exception {
        E2eConnection connection = connect("e2e-real-watch");
        String ns = clusters.namespace();
        // the Pods kcm created ran on the runner's Node, and kcm counted them ready
        assertThat(clusters.management()
                        .run(
                                "get",
                                "pods",
                                "-n",
                                ns,
                                "-l",
                                ConnectorResources.CONNECTOR_LABEL + "=" + connection.name(),
                                "-o",
                                "jsonpath={.items[*].spec.nodeName}"))
                .contains(LocalRunner.NODE_NAME);
        assertThat(clusters.management()
                        .run(
                                "get",
                                "deployment",
                                ConnectorResources.tunnelServerName(connection.name()),
                                "-n",
                                ns,
                                "-o",
                                "jsonpath={.status.readyReplicas}"))
                .isEqualTo("1");
        assertThat(connection
                        .remote()
                        .run(
                                "get",
                                "deployment",
                                AgentManifests.REMOTE_AGENT_NAME,
                                "-n",
                                AgentManifests.REMOTE_NAMESPACE,
                                "-o",
                                "jsonpath={.status.readyReplicas}"))
                .isEqualTo("1");

        assertThat(connection.throughTunnel("get", "namespaces")).contains(AgentManifests.REMOTE_NAMESPACE);

        String kubeconfig = Demo.secretValue(
                clusters.management(), ns, ConnectorResources.kubeconfigSecretName(connection.name()), "kubeconfig");
        try (E2eClusters.TunnelKubeconfig tunnel = clusters.reach(connection.name(), kubeconfig)) {
            Path out = dir.resolve("watch.out");
            Process watch = new ProcessBuilder(
                            clusters.kubectl(),
                            "--kubeconfig",
                            tunnel.file().toString(),
                            "get",
                            "namespaces",
                            "-w",
                            "-o",
                            "name")
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> read(out).contains("namespace/" + AgentManifests.REMOTE_NAMESPACE));
                Path namespace = Files.writeString(
                        dir.resolve("watched.yaml"),
                        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: e2e-watched\n");
                connection.remote().run("apply", "-f", namespace.toString());
                await().atMost(Duration.ofSeconds(60)).until(() -> read(out).contains("namespace/e2e-watched"));
                assertThat(watch.isAlive())
                        .as("the watch stays open through the tunnel")
                        .isTrue();
            } finally {
                watch.destroy();
                watch.waitFor(10, TimeUnit.SECONDS);
                connection.remote().run("delete", "namespace", "e2e-watched", "--ignore-not-found", "--wait=false");
            }
        }
    }

    @Test
    @Order(2)
    void aConnectorIsDisconnectedWhileItsAgentIsScaledToZeroAndHealsWhenItsDeletedTunnelServerPodIsRecreatedByKcm()
            throws Exception {
        E2eConnection connection = connect("e2e-real-faults");
        StateTimeline timeline = connection.timeline();
        String ns = clusters.namespace();

        scaleAgent(connection, 0);
        timeline.awaitState(TunnelConnectorState.Disconnected, E2eClusters.STATE_TIMEOUT);
        await().atMost(Duration.ofSeconds(30)).until(() -> !clusters.agentRunning(0));
        scaleAgent(connection, 1);
        timeline.awaitState(TunnelConnectorState.Connected, E2eClusters.STATE_TIMEOUT);

        String selector = "app.kubernetes.io/component=" + ConnectorLabels.TUNNEL_SERVER + ","
                + ConnectorResources.CONNECTOR_LABEL + "=" + connection.name();
        String before = clusters.management()
                .run("get", "pods", "-n", ns, "-l", selector, "-o", "name")
                .strip();
        assertThat(before).startsWith("pod/");
        int beforeDelete = timeline.mark();
        clusters.management().run("delete", "-n", ns, before);

        await().atMost(E2eClusters.STATE_TIMEOUT)
                .until(
                        () -> timeline.statesSince(beforeDelete),
                        states -> states.indexOf(TunnelConnectorState.Disconnected) >= 0
                                && states.lastIndexOf(TunnelConnectorState.Connected)
                                        > states.indexOf(TunnelConnectorState.Disconnected)
                                && states.get(states.size() - 1) == TunnelConnectorState.Connected);
        String after = clusters.management()
                .run("get", "pods", "-n", ns, "-l", selector, "-o", "name")
                .strip();
        assertThat(after)
                .as("kcm's ReplicaSet controller created a new Pod")
                .startsWith("pod/")
                .isNotEqualTo(before);
        assertThat(connection.throughTunnel("get", "namespaces")).contains(AgentManifests.REMOTE_NAMESPACE);
    }

    @Test
    @Order(3)
    void aDeletedConnectorsChildrenAreAllRemovedByKubernetesGarbageCollectorFollowingTheirOwnerReferences()
            throws Exception {
        E2eConnection connection = connect("e2e-real-gc");
        KubernetesClient client = clusters.managementClient();
        String ns = clusters.namespace();
        TunnelConnector connector = client.resources(TunnelConnector.class)
                .inNamespace(ns)
                .withName(connection.name())
                .get();
        List<HasMetadata> children = children(client, ns, connection.name());
        assertThat(children)
                .extracting(HasMetadata::getKind)
                .contains("Deployment", "Service", "Ingress", "Secret", "ServiceAccount", "Role", "RoleBinding");
        for (HasMetadata child : children) {
            assertThat(child.getMetadata().getOwnerReferences())
                    .as("%s %s", child.getKind(), child.getMetadata().getName())
                    .singleElement()
                    .satisfies(owner -> {
                        assertThat(owner.getUid())
                                .isEqualTo(connector.getMetadata().getUid());
                        assertThat(owner.getController()).isTrue();
                    });
        }
        assertThat(client.pods()
                        .inNamespace(ns)
                        .withLabel(ConnectorResources.CONNECTOR_LABEL, connection.name())
                        .list()
                        .getItems())
                .isNotEmpty();

        // without the controller, only kube-controller-manager's garbage collector can remove the children
        clusters.stopController();
        try {
            clusters.management().run("delete", "tunnelconnector", connection.name(), "-n", ns);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                assertThat(children(client, ns, connection.name())).isEmpty();
                assertThat(client.apps()
                                .replicaSets()
                                .inNamespace(ns)
                                .withLabel(ConnectorResources.CONNECTOR_LABEL, connection.name())
                                .list()
                                .getItems())
                        .isEmpty();
                assertThat(client.pods()
                                .inNamespace(ns)
                                .withLabel(ConnectorResources.CONNECTOR_LABEL, connection.name())
                                .list()
                                .getItems())
                        .isEmpty();
            });
            LocalRunner runner = clusters.managementCluster().runner();
            assertThat(runner.runsDeployment(ns, ConnectorResources.tunnelServerName(connection.name())))
                    .isFalse();
            assertThat(runner.runsDeployment(ns, ConnectorResources.kubeconfigWebhookName(connection.name())))
                    .isFalse();
        } finally {
            clusters.startController();
        }
    }

    private static List<HasMetadata> children(KubernetesClient client, String ns, String connector) {
        String label = ConnectorResources.CONNECTOR_LABEL;
        return Stream.of(
                        client.serviceAccounts()
                                .inNamespace(ns)
                                .withLabel(label, connector)
                                .list()
                                .getItems(),
                        client.rbac()
                                .roles()
                                .inNamespace(ns)
                                .withLabel(label, connector)
                                .list()
                                .getItems(),
                        client.rbac()
                                .roleBindings()
                                .inNamespace(ns)
                                .withLabel(label, connector)
                                .list()
                                .getItems(),
                        client.secrets()
                                .inNamespace(ns)
                                .withLabel(label, connector)
                                .list()
                                .getItems(),
                        client.services()
                                .inNamespace(ns)
                                .withLabel(label, connector)
                                .list()
                                .getItems(),
                        client.apps()
                                .deployments()
                                .inNamespace(ns)
                                .withLabel(label, connector)
                                .list()
                                .getItems(),
                        client.network()
                                .v1()
                                .ingresses()
                                .inNamespace(ns)
                                .withLabel(label, connector)
                                .list()
                                .getItems())
                .flatMap(List::stream)
                .map(HasMetadata.class::cast)
                .toList();
    }

    private static void scaleAgent(E2eConnection connection, int replicas) {
        connection
                .remote()
                .run(
                        "scale",
                        "deployment",
                        AgentManifests.REMOTE_AGENT_NAME,
                        "-n",
                        AgentManifests.REMOTE_NAMESPACE,
                        "--replicas=" + replicas);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }
}
