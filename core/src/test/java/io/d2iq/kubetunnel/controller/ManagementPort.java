package io.d2iq.kubetunnel.controller;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.observe.ManagementClient;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;

/** A controller with its management port on a free loopback-reachable port, against a fresh mock API. */
final class ManagementPort implements AutoCloseable {

    static final String NS = "default";

    final KubernetesMockServer server;
    final KubernetesClient client;
    final int port;
    final ControllerApplication controller;
    private final ManagementClient management;

    ManagementPort(boolean jolokiaRemote) throws Exception {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelConnector.class)
                        .build())
                .create();
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelGateway.class)
                        .build())
                .create();
        port = ManagementClient.freePort();
        management = new ManagementClient(port);
        ControllerOptions options = new ControllerOptions(
                Path.of("routes"),
                ControllerSettings.defaults(),
                "",
                Duration.ofSeconds(60),
                2,
                port,
                null,
                jolokiaRemote);
        controller =
                new ControllerApplication(client, options, (namespace, service, p) -> URI.create("http://127.0.0.1:1"));
        controller.start();
    }

    HttpResponse<String> get(String host, String path) {
        return management.get(host, path);
    }

    HttpResponse<String> get(String path) {
        return management.get(path);
    }

    void awaitUnreadyWhileLiveWithoutKubernetesApi(Duration wait) {
        management.awaitUnreadyWhileLiveWithoutKubernetesApi(wait);
    }

    HttpResponse<String> post(String path, String json) {
        return management.post(path, json);
    }

    @Override
    public void close() {
        controller.close();
        client.close();
        server.destroy();
    }
}
