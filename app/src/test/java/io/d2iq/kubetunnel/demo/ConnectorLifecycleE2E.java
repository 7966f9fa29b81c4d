package io.d2iq.kubetunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ComponentWorkload;
import io.d2iq.kubetunnel.model.ConnectorResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to connectors after they connect, through the whole system: a gateway edited, the agent and the
 * tunnel server restarted, a connector deleted, two remote clusters at once. Every change is made with kubectl,
 * as a user would; the system starts once for the class (docs/e2e.md says how to point it at real clusters).
 */
class ConnectorLifecycleE2E {

    private static final Pattern REGISTER_JOB = Pattern.compile(AgentManifests.REGISTER_JOB_PREFIX + "[0-9a-f]+");

    @TempDir
    static Path dir;

    private static E2eClusters clusters;
    private final List<E2eConnection> connections = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        clusters = E2eClusters.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (clusters != null) {
            clusters.close();
        }
    }

    @AfterEach
    void disconnect() {
        connections.forEach(E2eConnection::close);
    }

    private E2eConnection connect(String name, int remote) throws Exception {
        E2eConnection connection = E2eConnection.connect(clusters, name, remote, dir);
        connections.add(connection);
        return connection;
    }

    @Test
    void aGatewayEditedWhileConnectedIsFollowedByTheIngressesTheStatusAndAfterReapplyingTheAgent() throws Exception {
        E2eConnection connection = connect("e2e-edited", 0);
        String ns = clusters.namespace();
        String tunnelServer = ConnectorResources.tunnelServerName(connection.name());
        String webhook = ConnectorResources.kubeconfigWebhookName(connection.name());
        String manifestsBefore = connection.manifests();
        long generationBefore = gatewayGeneration(connection);

        // annotations only: the Ingresses follow (a removed key goes too); the agent needs nothing
        clusters.management()
                .run(
                        "patch",
                        "tunnelgateway",
                        connection.gateway(),
                        "-n",
                        ns,
                        "--type",
                        "json",
                        "-p",
                        "[{\"op\": \"add\", \"path\": \"/spec/ingress/extraAnnotations\", \"value\": {\"e2e.kubetunnel.d2iq.io/edit\": \"annotations\"}}]");
        long annotationsEdited = gatewayGeneration(connection);
        assertThat(annotationsEdited).isGreaterThan(generationBefore);
        await().atMost(E2eClusters.STATE_TIMEOUT).untilAsserted(() -> {
            assertThat(observedGatewayGeneration(connection)).isEqualTo(annotationsEdited);
            for (String ingress : List.of(tunnelServer, webhook)) {
                assertThat(clusters.management()
                                .run("get", "ingress", ingress, "-n", ns, "-o", "jsonpath={.metadata.annotations}"))
                        .contains("\"e2e.kubetunnel.d2iq.io/edit\":\"annotations\"")
                        .contains("\"" + ComponentWorkload.EXTRA_ANNOTATIONS_ANNOTATION
                                + "\":\"e2e.kubetunnel.d2iq.io/edit\"")
                        .doesNotContain("nginx.ingress.kubernetes.io");
            }
        });
        assertThat(connection.manifests()).isEqualTo(manifestsBefore);
        assertThat(connection.throughTunnel("get", "namespaces")).contains(AgentManifests.REMOTE_NAMESPACE);

        // the URL prefix: the Ingress paths and the manifests move; the user puts the new manifests on the remote
        // cluster
        clusters.management()
                .run(
                        "patch",
                        "tunnelgateway",
                        connection.gateway(),
                        "-n",
                        ns,
                        "--type",
                        "merge",
                        "-p",
                        "{\"spec\": {\"ingress\": {\"urlPathPrefix\": \"/moved\"}}}");
        long prefixEdited = gatewayGeneration(connection);
        String movedTunnelPath = "/moved/" + ns + "/" + connection.name() + "/tunnel-server";
        await().atMost(E2eClusters.STATE_TIMEOUT).untilAsserted(() -> {
            assertThat(observedGatewayGeneration(connection)).isEqualTo(prefixEdited);
            assertThat(clusters.management()
                            .run(
                                    "get",
                                    "ingress",
                                    tunnelServer,
                                    "-n",
                                    ns,
                                    "-o",
                                    "jsonpath={.spec.rules[0].http.paths[0].path}"))
                    .isEqualTo(movedTunnelPath);
            assertThat(clusters.management()
                            .run(
                                    "get",
                                    "ingress",
                                    webhook,
                                    "-n",
                                    ns,
                                    "-o",
                                    "jsonpath={.spec.rules[0].http.paths[0].path}"))
                    .isEqualTo("/moved/" + ns + "/" + connection.name() + "/kubeconfig");
            assertThat(connection.manifests())
                    .contains(movedTunnelPath)
                    .contains("/moved/" + ns + "/" + connection.name() + "/kubeconfig");
        });
        connection.applyManifests();
        await().atMost(E2eClusters.STATE_TIMEOUT)
                .untilAsserted(() -> assertThat(connection
                                .remote()
                                .run(
                                        "rollout",
                                        "status",
                                        "deployment/" + AgentManifests.REMOTE_AGENT_NAME,
                                        "-n",
                                        AgentManifests.REMOTE_NAMESPACE,
                                        "--watch=false"))
                        .contains("successfully rolled out"));
        // the new register Job posts to the webhook under the new prefix
        String registerJob = registerJob(connection.manifests());
        await().atMost(E2eClusters.STATE_TIMEOUT)
                .untilAsserted(() -> assertThat(connection
                                .remote()
                                .run(
                                        "get",
                                        "job",
                                        registerJob,
                                        "-n",
                                        AgentManifests.REMOTE_NAMESPACE,
                                        "-o",
                                        "jsonpath={.status.succeeded}"))
                        .isEqualTo("1"));
        // the old agent was deleted, so a working tunnel is the new agent's, dialled through the new path
        await().atMost(E2eClusters.STATE_TIMEOUT).untilAsserted(() -> {
            assertThat(connection.throughTunnel("get", "namespaces")).contains(AgentManifests.REMOTE_NAMESPACE);
            assertThat(connection.timeline().statesSince(0)).last().isEqualTo(TunnelConnectorState.Connected);
        });
    }

    @Test
    void aConnectorIsDisconnectedAndConnectedAgainWhenItsAgentStopsAndStartsAndWhenItsTunnelServerRestarts()
            throws Exception {
        E2eConnection connection = connect("e2e-restarted", 0);
        StateTimeline timeline = connection.timeline();

        scaleAgent(connection, 0);
        timeline.awaitState(TunnelConnectorState.Disconnected, E2eClusters.STATE_TIMEOUT);
        scaleAgent(connection, 1);
        timeline.awaitState(TunnelConnectorState.Connected, E2eClusters.STATE_TIMEOUT);

        int beforeRestart = timeline.mark();
        clusters.management()
                .run(
                        "rollout",
                        "restart",
                        "deployment/" + ConnectorResources.tunnelServerName(connection.name()),
                        "-n",
                        clusters.namespace());
        await().atMost(E2eClusters.STATE_TIMEOUT)
                .until(
                        () -> timeline.statesSince(beforeRestart),
                        states -> states.indexOf(TunnelConnectorState.Disconnected) >= 0
                                && states.lastIndexOf(TunnelConnectorState.Connected)
                                        > states.indexOf(TunnelConnectorState.Disconnected)
                                && states.get(states.size() - 1) == TunnelConnectorState.Connected);
        assertThat(connection.throughTunnel("get", "namespaces")).contains(AgentManifests.REMOTE_NAMESPACE);
    }

    @Test
    void aDeletedConnectorLeavesNothingOnTheManagementClusterAndDeletingItsManifestsStopsTheAgent() throws Exception {
        E2eConnection connection = connect("e2e-deleted", 0);
        String ns = clusters.namespace();

        clusters.management().run("delete", "tunnelconnector", connection.name(), "-n", ns);
        await().atMost(E2eClusters.STATE_TIMEOUT)
                .untilAsserted(() -> assertThat(clusters.management()
                                .run(
                                        "get",
                                        "deployments,services,ingresses,networkpolicies,secrets,serviceaccounts,roles,rolebindings",
                                        "-n",
                                        ns,
                                        "-o",
                                        "name",
                                        "-l",
                                        ConnectorResources.CONNECTOR_LABEL + "=" + connection.name()))
                        .isBlank());
        // the controller cannot reach the remote cluster: the agent keeps retrying until the user deletes what they
        // applied
        assertThat(clusters.agentRunning(0)).isTrue();

        // as docs/operations.md says: a real cluster's token controller deletes the token Secret with its
        // ServiceAccount
        connection
                .remote()
                .run(
                        "delete",
                        "--ignore-not-found",
                        "-f",
                        connection.appliedManifests().toString());
        assertThat(connection
                        .remote()
                        .run(
                                "get",
                                "namespace/" + AgentManifests.REMOTE_NAMESPACE,
                                "clusterrolebinding/" + AgentManifests.REMOTE_ACCESS_BINDING,
                                "--ignore-not-found",
                                "-o",
                                "name"))
                .isBlank();
        await().atMost(E2eClusters.STATE_TIMEOUT).until(() -> !clusters.agentRunning(0));
    }

    @Test
    void twoConnectorsReachTwoRemoteClustersAndEachKubeconfigOnlyItsOwn() throws Exception {
        Kubectl remoteA = clusters.remote(0);
        Kubectl remoteB = clusters.remote(1);
        E2eConnection a = connect("e2e-cluster-a", 0);
        E2eConnection b = connect("e2e-cluster-b", 1);
        createNamespace(remoteA, "e2e-only-on-a");
        createNamespace(remoteB, "e2e-only-on-b");
        try {
            assertThat(a.throughTunnel("get", "namespace", "e2e-only-on-a", "-o", "name"))
                    .isEqualToIgnoringNewLines("namespace/e2e-only-on-a");
            assertThat(b.throughTunnel("get", "namespace", "e2e-only-on-b", "-o", "name"))
                    .isEqualToIgnoringNewLines("namespace/e2e-only-on-b");
            assertThatThrownBy(() -> a.throughTunnel("get", "namespace", "e2e-only-on-b"))
                    .hasMessageContaining("not found");
            assertThatThrownBy(() -> b.throughTunnel("get", "namespace", "e2e-only-on-a"))
                    .hasMessageContaining("not found");
        } finally {
            remoteA.run("delete", "namespace", "e2e-only-on-a", "--ignore-not-found", "--wait=false");
            remoteB.run("delete", "namespace", "e2e-only-on-b", "--ignore-not-found", "--wait=false");
        }
    }

    /** {@code kubectl apply}, not {@code kubectl create namespace}: the embedded API accepts JSON bodies only, and apply sends JSON. */
    private static void createNamespace(Kubectl kubectl, String name) throws Exception {
        Path file = Files.writeString(
                dir.resolve(name + ".yaml"), "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n");
        kubectl.run("apply", "-f", file.toString());
    }

    private static long gatewayGeneration(E2eConnection connection) {
        return Long.parseLong(clusters.management()
                .run(
                        "get",
                        "tunnelgateway",
                        connection.gateway(),
                        "-n",
                        clusters.namespace(),
                        "-o",
                        "jsonpath={.metadata.generation}")
                .strip());
    }

    private static long observedGatewayGeneration(E2eConnection connection) {
        String observed = clusters.management()
                .run(
                        "get",
                        "tunnelconnector",
                        connection.name(),
                        "-n",
                        clusters.namespace(),
                        "-o",
                        "jsonpath={.status.gatewayObservedGeneration}")
                .strip();
        return observed.isEmpty() ? -1 : Long.parseLong(observed);
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

    private static String registerJob(String manifests) {
        Matcher matcher = REGISTER_JOB.matcher(manifests);
        assertThat(matcher.find()).as("the manifests name a register Job").isTrue();
        return matcher.group();
    }
}
