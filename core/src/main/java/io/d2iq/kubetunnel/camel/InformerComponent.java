package io.d2iq.kubetunnel.camel;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code informer:<Kind>?apiVersion=...}: a fabric8 informer over any kind, built-in or custom, as a Camel consumer.
 * Registered by scheme in {@code META-INF/services/org/apache/camel/component/informer}.
 */
public class InformerComponent extends DefaultComponent {

    private KubernetesClient kubernetesClient;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException(
                    "informer: needs a kind, for example informer:ConfigMap?apiVersion=v1 (got '" + uri + "')");
        }
        InformerEndpoint endpoint = new InformerEndpoint(uri, this, remaining);
        endpoint.setKubernetesClient(kubernetesClient);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public KubernetesClient getKubernetesClient() {
        return kubernetesClient;
    }

    /** The client for every endpoint of this component; else each endpoint's own, else the registry's only one. */
    public void setKubernetesClient(KubernetesClient kubernetesClient) {
        this.kubernetesClient = kubernetesClient;
    }
}
