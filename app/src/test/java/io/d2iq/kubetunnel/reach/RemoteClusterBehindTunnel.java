package io.d2iq.kubetunnel.reach;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.Main;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.model.AgentAccess;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import io.d2iq.kubetunnel.webhook.KubeconfigSecretWriter;
import io.d2iq.kubetunnel.webhook.KubeconfigWebhookApplication;
import io.d2iq.kubetunnel.webhook.ProxyUrl;
import io.d2iq.kubetunnel.webhook.RegistrationHandler;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The whole reach path with real parts on loopback: a "remote cluster" (the embedded API over TLS) and an
 * HTTPS server that rejects every token, both reachable only through a tunnel-server and agent (TLS between
 * them, the agent's allow-list = those two servers); a management cluster (the embedded API) holding
 * connector fleet/east; its kubeconfig webhook, which writes {@code proxy-url: socks5://127.0.0.1:<proxy port>};
 * and the register role, run through {@link Main}, which posts the remote kubeconfig to it.
 */
final class RemoteClusterBehindTunnel implements AutoCloseable {

    static final String NAMESPACE = "fleet";
    static final String CONNECTOR = "east";
    static final String CONNECTOR_KEY = NAMESPACE + "/" + CONNECTOR;
    private static final String CONNECTOR_TOKEN = "east-connector-token";
    private static final String REMOTE_TOKEN = "remote-service-account-token";

    private final Path directory;
    final LocalApi remote;
    final RejectingApiServer rejecting;
    final LocalApi management;
    final TunnelFixture tunnel;
    private final KubeconfigWebhookApplication webhook;
    private final int webhookPort;

    /** Starts everything in a new temporary directory, deleted on close. */
    static RemoteClusterBehindTunnel start() {
        try {
            return new RemoteClusterBehindTunnel(Files.createTempDirectory("kubetunnel-reach"));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the remote cluster behind a tunnel", e);
        }
    }

    private RemoteClusterBehindTunnel(Path directory) throws Exception {
        this.directory = directory;
        remote = LocalApi.start(true);
        rejecting = new RejectingApiServer();
        management = LocalApi.start(false);
        createConnector(management.client());
        tunnel = new TunnelFixture(Files.createDirectories(directory.resolve("tunnel")), true);
        tunnel.startServer();
        startAgent();
        tunnel.awaitConnected();
        webhookPort = TunnelFixture.freePort();
        Path tokenFile = Files.writeString(directory.resolve("webhook-token"), CONNECTOR_TOKEN);
        RegistrationHandler handler = new RegistrationHandler(
                tokenFile,
                new KubeconfigSecretWriter(management.client(), NAMESPACE, CONNECTOR, Clock.systemUTC()),
                new ProxyUrl("socks5://127.0.0.1:" + tunnel.proxy().getPort(), null),
                NAMESPACE,
                CONNECTOR,
                Clock.systemUTC());
        webhook = new KubeconfigWebhookApplication(handler, management.client(), webhookPort, 0, null, null);
        webhook.start();
    }

    /**
     * (Re)starts the agent, allowed to dial only the remote API (by address and by the name {@code localhost},
     * as a cluster's API is known by both) and the rejecting server (by address only).
     */
    void startAgent() throws Exception {
        tunnel.startAgent(
                List.of("127.0.0.1:" + remote.port(), "localhost:" + remote.port(), "127.0.0.1:" + rejecting.port()));
    }

    /**
     * Runs {@code kubetunnel register} as the remote Job would, for the API server at {@code apiServer} with
     * this CA, and returns the kubeconfig the webhook wrote into the connector's Secret.
     */
    String register(String apiServer, String caPem) throws IOException {
        Path ca = Files.writeString(directory.resolve("remote-ca.crt"), caPem);
        Path remoteToken = Files.writeString(directory.resolve("remote-token"), REMOTE_TOKEN);
        Path connectorToken = Files.writeString(directory.resolve("connector-token"), CONNECTOR_TOKEN);
        int exit = Main.execute(
                "register",
                "--webhook-url",
                "http://127.0.0.1:" + webhookPort + "/fleet/east/kubeconfig",
                "--token-file",
                connectorToken.toString(),
                "--remote-token-file",
                remoteToken.toString(),
                "--remote-ca-file",
                ca.toString(),
                "--api-server",
                apiServer,
                "--attempts",
                "3",
                "--max-backoff",
                "200ms");
        assertThat(exit).as("register exit code").isZero();
        Secret secret = management
                .client()
                .secrets()
                .inNamespace(NAMESPACE)
                .withName(ConnectorResources.kubeconfigSecretName(CONNECTOR))
                .get();
        return new String(
                Base64.getDecoder().decode(secret.getData().get(ConnectorResources.KUBECONFIG_KEY)),
                StandardCharsets.UTF_8);
    }

    /** Registers the remote embedded API and writes the registered kubeconfig to a file, as a user exports it. */
    Path exportRemoteKubeconfig() throws IOException {
        return Files.writeString(
                directory.resolve("exported.kubeconfig"), register(remote.url(), remote.caCertificatePem()));
    }

    /** Streams the tunnel server has opened so far: a request that went through the tunnel raises it. */
    double streamsOpenedOnTunnelServer() {
        return tunnel.server().meterRegistry().find("kubetunnel.streams.opened").counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private static void createConnector(KubernetesClient client) {
        try (InputStream crd =
                Files.newInputStream(Path.of("deploy/crds/tunnelconnectors.kubetunnel.d2iq.io-v1.yml"))) {
            client.load(crd).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(new ObjectMetaBuilder()
                .withName(CONNECTOR)
                .withNamespace(NAMESPACE)
                .build());
        TunnelConnector created = client.resources(TunnelConnector.class)
                .inNamespace(NAMESPACE)
                .resource(connector)
                .create();
        // the controller's part: the empty Secret the webhook fills
        client.secrets().resource(AgentAccess.kubeconfigSecret(created)).create();
    }

    @Override
    public void close() {
        webhook.close();
        tunnel.close();
        management.close();
        rejecting.close();
        remote.close();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
