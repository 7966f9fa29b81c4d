package io.d2iq.kubetunnel.reach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.local.Kubectl;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kubectl with the kubeconfig exported from the connector's Secret, as a user of the management cluster
 * gets it: over TLS to the remote embedded API, through the tunnel's SOCKS5 port named in its proxy-url.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedRemoteCluster.class)
class KubectlThroughTunnelIT {

    private static final Duration EVENTUALLY = Duration.ofSeconds(20);

    private RemoteClusterBehindTunnel cluster;
    private Kubectl kubectl;

    @BeforeAll
    void start(RemoteClusterBehindTunnel shared, @TempDir Path directory) throws Exception {
        cluster = shared;
        kubectl = new Kubectl(cluster.exportRemoteKubeconfig(), Files.createDirectories(directory.resolve("kubectl")));
    }

    @BeforeEach
    void agentConnected() {
        cluster.tunnel.awaitConnected();
    }

    @Test
    void getNamespacesListsTheRemoteClustersNamespacesThroughTheTunnel() {
        cluster.remote
                .client()
                .namespaces()
                .resource(namespace("only-on-remote"))
                .create();
        double streamsBefore = cluster.streamsOpenedOnTunnelServer();

        String out = kubectl.run("get", "namespaces", "-o", "name").ok();

        assertThat(out).contains("namespace/only-on-remote");
        assertThat(cluster.streamsOpenedOnTunnelServer())
                .as("streams opened on the tunnel server")
                .isGreaterThan(streamsBefore);
    }

    @Test
    void versionReportsTheRemoteServersVersion() {
        String gitVersion = cluster.remote.client().getKubernetesVersion().getGitVersion();

        String out = kubectl.run("version", "-o", "json").ok();

        assertThat(out).contains("\"serverVersion\"").contains("\"gitVersion\": \"" + gitVersion + "\"");
    }

    @Test
    void aWatchOnPodsSeesAPodCreatedLaterOnTheRemoteApi() {
        cluster.remote.client().namespaces().resource(namespace("apps")).create();
        createPod("apps", "earlier");
        try (Kubectl.Running watch = kubectl.start("get", "pods", "-A", "-w")) {
            // the listed pod is printed before the watch starts: only then does "later" prove the watch
            await().atMost(EVENTUALLY)
                    .untilAsserted(
                            () -> assertThat(watch.out()).as(watch.err()).containsPattern("(?m)^apps\\s+earlier\\s"));

            createPod("apps", "later");

            await().atMost(EVENTUALLY)
                    .untilAsserted(
                            () -> assertThat(watch.out()).as(watch.err()).containsPattern("(?m)^apps\\s+later\\s"));
            assertThat(watch.process().isAlive()).as("the watch is still open").isTrue();
        }
    }

    @Test
    void withTheAgentStoppedKubectlCannotReachTheRemoteApi() throws Exception {
        cluster.tunnel.stopAgent();
        await().atMost(EVENTUALLY).until(() -> !cluster.tunnel.server().agentConnected());

        Kubectl.Result result = kubectl.run("get", "namespaces", "--request-timeout=5s");

        cluster.startAgent();
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("socks");
    }

    private void createPod(String namespace, String name) {
        cluster.remote
                .client()
                .pods()
                .inNamespace(namespace)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("app")
                        .withImage("busybox")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();
    }

    private static Namespace namespace(String name) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .build();
    }
}
