package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
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
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;

/**
 * A kubeconfig webhook for connector fleet/east on a free loopback port, writing to an in-process fabric8
 * mock API in CRUD mode that already holds the TunnelConnector and the empty kubeconfig Secret the controller
 * creates for it. Also holds the tokens of east and of west, another connector.
 */
public final class WebhookFixture implements AutoCloseable {

    public static final String NAMESPACE = "fleet";
    public static final String CONNECTOR = "east";
    public static final String EAST_TOKEN = "east-connector-token";
    public static final String WEST_TOKEN = "west-connector-token";
    public static final int PROXY_PORT = 1090;

    public final KubernetesMockServer api;
    public final KubernetesClient client;
    public final Path directory;
    public final Path eastTokenFile;
    public final Path westTokenFile;
    public final boolean tls;
    private final Path tlsCert;
    private final Path tlsKey;
    private int port;
    /** The management port, or 0 when the fixture runs without one. */
    public final int managementPort;

    public final TunnelConnector connector;
    private KubeconfigWebhookApplication application;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private WebhookFixture(Path tlsCert, Path tlsKey, boolean withManagementPort) throws IOException {
        managementPort = withManagementPort ? freePort() : 0;
        api = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(List.of()), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
        connector = createConnector();
        client.secrets().resource(AgentAccess.kubeconfigSecret(connector)).create();
        directory = Files.createTempDirectory("kubetunnel-webhook");
        eastTokenFile = Files.writeString(directory.resolve("east-token"), EAST_TOKEN + "\n");
        westTokenFile = Files.writeString(directory.resolve("west-token"), WEST_TOKEN);
        tls = tlsCert != null;
        this.tlsCert = tlsCert;
        this.tlsKey = tlsKey;
        startApplication();
    }

    private void startApplication() throws IOException {
        port = freePort();
        RegistrationHandler handler = new RegistrationHandler(
                eastTokenFile,
                new KubeconfigSecretWriter(client, NAMESPACE, CONNECTOR, Clock.systemUTC()),
                new ProxyUrl(null, null),
                NAMESPACE,
                CONNECTOR,
                Clock.systemUTC());
        handler.recoverStatus();
        application = new KubeconfigWebhookApplication(handler, client, port, managementPort, tlsCert, tlsKey);
        application.start();
    }

    /** Stops the webhook and starts a fresh one (new port, nothing in memory) on the same API, as a pod restart does. */
    public void restartWebhook() throws IOException {
        application.close();
        startApplication();
    }

    /** A plain-HTTP webhook. */
    public static WebhookFixture start() throws IOException {
        return new WebhookFixture(null, null, false);
    }

    /** A plain-HTTP webhook that also serves /observe/health and /observe/metrics on {@link #managementPort}. */
    public static WebhookFixture startWithManagementPort() throws IOException {
        return new WebhookFixture(null, null, true);
    }

    /** An HTTPS webhook serving this PEM certificate and key. */
    public static WebhookFixture startTls(Path tlsCert, Path tlsKey) throws IOException {
        return new WebhookFixture(tlsCert, tlsKey, false);
    }

    /** The webhook's own port (HTTP or HTTPS). */
    public int port() {
        return port;
    }

    public URI uri(String path) {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> post(String path, String authorization, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public Secret kubeconfigSecret() {
        return client.secrets()
                .inNamespace(NAMESPACE)
                .withName(ConnectorResources.kubeconfigSecretName(CONNECTOR))
                .get();
    }

    /** Whether the kubeconfig Secret holds a kubeconfig (the controller's empty Secret does not count). */
    public boolean holdsKubeconfig() {
        return KubeconfigSecret.holdsKubeconfig(kubeconfigSecret());
    }

    private TunnelConnector createConnector() {
        TunnelConnector c = new TunnelConnector();
        c.setMetadata(new ObjectMetaBuilder()
                .withName(CONNECTOR)
                .withNamespace(NAMESPACE)
                .build());
        TunnelConnectorSpec spec = new TunnelConnectorSpec();
        spec.setProxyPort(PROXY_PORT);
        c.setSpec(spec);
        return client.resources(TunnelConnector.class)
                .inNamespace(NAMESPACE)
                .resource(c)
                .create();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        application.close();
        client.close();
        api.destroy();
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
