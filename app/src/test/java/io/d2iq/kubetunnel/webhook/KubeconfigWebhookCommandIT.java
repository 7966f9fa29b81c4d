package io.d2iq.kubetunnel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.Main;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.model.AgentAccess;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The role as it runs in its pod: its own JVM, started from the flags, stopped by SIGTERM. */
class KubeconfigWebhookCommandIT {

    @TempDir
    Path files;

    private KubernetesMockServer api;
    private KubernetesClient client;
    private Process webhook;

    @BeforeEach
    void startApi() {
        api = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (webhook != null) {
            webhook.destroy();
            if (!webhook.waitFor(30, TimeUnit.SECONDS)) {
                webhook.destroyForcibly().waitFor();
            }
        }
        client.close();
        api.destroy();
    }

    @Test
    void theRoleServesFromItsFlagsAndWritesTheSecretWithTheConnectorsProxyPort() throws Exception {
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(
                new ObjectMetaBuilder().withName("west").withNamespace("hub").build());
        connector.setSpec(new io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec());
        connector.getSpec().setProxyPort(1234);
        TunnelConnector created = client.resources(TunnelConnector.class)
                .inNamespace("hub")
                .resource(connector)
                .create();
        client.secrets().resource(AgentAccess.kubeconfigSecret(created)).create();
        Path kubeconfig = Files.writeString(files.resolve("management.kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s"}}]
                users: [{name: mock, user: {token: unused}}]
                contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: hub}}]
                current-context: mock
                """.formatted(
                        client.getConfiguration().getMasterUrl()));
        Path token = Files.writeString(files.resolve("token"), "west-token");
        int port = freePort();

        webhook = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "kubeconfig-webhook",
                        "--kubeconfig",
                        kubeconfig.toString(),
                        "--port",
                        String.valueOf(port),
                        "--token-file",
                        token.toString(),
                        "--namespace",
                        "hub",
                        "--connector",
                        "west")
                .redirectErrorStream(true)
                .redirectOutput(files.resolve("webhook.log").toFile())
                .start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode()
                        == 200);

        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hub/west/kubeconfig"))
                        .header("Authorization", "Bearer west-token")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Kubeconfig.forServiceAccount(
                                        "https://10.96.0.1:443",
                                        TestCertificates.selfSigned().certificatePemBytes(),
                                        "remote")
                                .toYamlBytes()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Secret secret = client.secrets()
                .inNamespace("hub")
                .withName(ConnectorResources.kubeconfigSecretName("west"))
                .get();
        Kubeconfig stored = KubeconfigParser.parse(new String(
                Base64.getDecoder().decode(secret.getData().get(ConnectorResources.KUBECONFIG_KEY)),
                StandardCharsets.UTF_8));
        assertThat(stored.proxyUrl()).isEqualTo("socks5://west-tunnel-server.hub.svc:1234");
        assertThat(Files.readString(files.resolve("webhook.log")))
                .doesNotContain("west-token")
                .doesNotContain("token: \"remote\"");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
