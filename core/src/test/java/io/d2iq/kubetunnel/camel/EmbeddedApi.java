package io.d2iq.kubetunnel.camel;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/** The fabric8 mock API server in CRUD mode with the TunnelConnector CRD installed; its watches can be made to fail. */
final class EmbeddedApi implements AutoCloseable {

    private final GoneOnDemandDispatcher dispatcher = new GoneOnDemandDispatcher(new KubernetesCrudDispatcher());
    private final KubernetesMockServer server =
            new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    private final KubernetesClient client;

    EmbeddedApi() {
        server.init();
        client = server.createClient();
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelConnector.class)
                        .build())
                .create();
    }

    KubernetesClient client() {
        return client;
    }

    GoneOnDemandDispatcher dispatcher() {
        return dispatcher;
    }

    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
