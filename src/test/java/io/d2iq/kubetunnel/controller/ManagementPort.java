package io.d2iq.kubetunnel.controller;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.reconcile.ServiceAddressResolver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.function.UnaryOperator;

/** A controller with its management port on a free loopback-reachable port, against a fresh mock API. */
final class ManagementPort implements AutoCloseable {

    static final String NS = "default";

    final KubernetesMockServer server;
    final KubernetesClient client;
    final int port;
    final ControllerApplication controller;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ManagementPort(boolean jolokiaRemote) throws Exception {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        client.apiextensions().v1().customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelConnector.class).build()).create();
        client.apiextensions().v1().customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelGateway.class).build()).create();
        port = freePort();
        ControllerOptions options = new ControllerOptions(Path.of("routes"), ControllerSettings.defaults(), "", Duration.ofSeconds(60),
                2, port, null, jolokiaRemote);
        controller = new ControllerApplication(client, options, (namespace, service, p) -> URI.create("http://127.0.0.1:1"),
                UnaryOperator.identity());
        controller.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    HttpResponse<String> get(String host, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path)).timeout(Duration.ofSeconds(20)).GET().build());
    }

    HttpResponse<String> get(String path) {
        return get("127.0.0.1", path);
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        controller.close();
        client.close();
        server.destroy();
    }
}
