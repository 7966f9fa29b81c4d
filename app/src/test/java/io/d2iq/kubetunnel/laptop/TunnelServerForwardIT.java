package io.d2iq.kubetunnel.laptop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forward itself, over an API that serves {@code pods/portforward} as a real one does (WebSocket,
 * {@code v4.channel.k8s.io}): bytes reach the tunnel-server Pod's proxy port and come back, the Pod is looked up per
 * connection so a replaced Pod is reached without a restart, and with no running Pod a connection is closed.
 */
class TunnelServerForwardIT {

    private static final Map<String, String> SELECTOR = Map.of("app.kubernetes.io/component", "tunnel-server");

    private FakePortForwardApi api;
    private KubernetesClient client;
    private TunnelServerForward forward;

    @BeforeEach
    void start() throws Exception {
        api = new FakePortForwardApi();
        client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl(api.url())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
        forward = new TunnelServerForward(client, "hub", SELECTOR, System.err);
    }

    @AfterEach
    void stop() {
        forward.close();
        client.close();
        api.close();
    }

    private static Pod pod(String name, String phase, boolean ready, int proxyPort) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("hub")
                .withLabels(SELECTOR)
                .withCreationTimestamp("2026-12-02T07:00:0" + name.length() % 10 + "Z")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("tunnel-server")
                .addNewPort()
                .withName(ConnectorResources.PROXY_PORT_NAME)
                .withContainerPort(proxyPort)
                .endPort()
                .addNewPort()
                .withName(ConnectorResources.TUNNEL_PORT_NAME)
                .withContainerPort(ConnectorResources.TUNNEL_PORT)
                .endPort()
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase(phase)
                .addNewCondition()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .endCondition()
                .endStatus()
                .build();
    }

    private static String roundTrip(int port, String text) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256];
            StringBuilder got = new StringBuilder();
            while (!got.toString().endsWith(text)) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (java.net.SocketException reset) {
                    n = -1; // closed with our bytes unread: a reset rather than an end of stream
                }
                if (n < 0) {
                    return got.length() == 0 ? null : got.toString();
                }
                got.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            return got.toString();
        }
    }

    @Test
    void aRunningReadyPodsProxyPortIsChosenAndTheProbeAcceptsAServedPortForward() throws Exception {
        api.pods.add(pod("ts-pending", "Pending", false, 1080));
        api.pods.add(pod("ts-unready", "Running", false, 1080));
        api.pods.add(pod("ts-ready", "Running", true, 1234));

        TunnelServerForward.Target target = forward.resolve().orElseThrow();

        assertThat(target).isEqualTo(new TunnelServerForward.Target("ts-ready", 1234));
        assertThat(forward.probe(target)).isEmpty();
    }

    @Test
    void bytesGoThroughToThePodAndAReplacedPodIsReachedByTheNextConnectionWithoutARestart() throws Exception {
        api.pods.add(pod("ts-a", "Running", true, 1080));
        int port = forward.start(0);

        assertThat(roundTrip(port, "hello")).isEqualTo("ts-a:hello");

        api.pods.clear();
        assertThat(roundTrip(port, "anyone"))
                .as("no running Pod: the connection is closed")
                .isNull();

        api.pods.add(pod("ts-b", "Running", true, 1080));
        assertThat(roundTrip(port, "again")).isEqualTo("ts-b:again");
        assertThat(api.forwardedTo).containsExactly("ts-a", "ts-b");
    }

    @Test
    void theRoleAsAProcessPrintsTheKubeconfigOnceTheForwardAnswersCarriesBytesAndExitsZeroOnSigintAndSigterm(
            @TempDir Path dir) throws Exception {
        TunnelConnector connector = LaptopKubeconfigTest.connector(TunnelConnectorState.Connected, null, null);
        api.objects.put("/apis/kubetunnel.d2iq.io/v1alpha1/namespaces/hub/tunnelconnectors/west", connector);
        api.objects.put(
                "/api/v1/namespaces/hub/secrets/west-kubeconfig",
                LaptopKubeconfigTest.secret(Kubeconfig.forServiceAccount(
                                "https://10.96.0.1:443",
                                TestCertificates.selfSigned().certificatePemBytes(),
                                "remote-token")
                        .toYaml()));
        api.pods.add(pod("ts-a", "Running", true, 1080));
        Path management = Files.writeString(dir.resolve("management.kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: fake, cluster: {server: "%s"}}]
                users: [{name: fake, user: {token: unused}}]
                contexts: [{name: fake, context: {cluster: fake, user: fake}}]
                current-context: fake
                """.formatted(api.url()));

        try (KubeconfigRole role = KubeconfigRole.start(dir, "hub/west", "--kubeconfig", management.toString())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !role.stdout().isEmpty() || !role.isAlive());
            await().atMost(Duration.ofSeconds(5)).until(() -> role.stdout().endsWith("\n"));
            Kubeconfig printed = KubeconfigParser.parse(role.stdout());
            assertThat(printed.proxyUrl()).startsWith("socks5://127.0.0.1:");
            assertThat(printed.credentials().token()).isEqualTo("remote-token");
            int port = URI.create(printed.proxyUrl()).getPort();

            assertThat(roundTrip(port, "through")).isEqualTo("ts-a:through");
            assertThat(role.stderr())
                    .contains("kubeconfig: forwarding 127.0.0.1:" + port + " to pod hub/ts-a port 1080");

            assertThat(role.interrupt()).as(role.stderr()).isZero();
            assertThat(role.stderr()).contains("kubeconfig: stopped");
        }
        try (KubeconfigRole role =
                KubeconfigRole.start(dir, "hub/west", "--kubeconfig", management.toString(), "--local-port", "0")) {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> role.stderr().contains("Ctrl-C to stop") || !role.isAlive());
            assertThat(role.terminate()).as(role.stderr()).isZero();
        }
    }
}
