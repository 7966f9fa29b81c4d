package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Turns watch events into work-queue keys ({@code namespace/name} of a connector): a connector is its own
 * key, a child names its connector in a label, a gateway maps to every connector that references it.
 */
public final class ConnectorKeys {

    private final KubernetesClient client;
    private final ObjectCache cache;

    /** @param cache where the connectors are read from when it holds them ({@link ObjectCache#NONE}: the API server) */
    public ConnectorKeys(KubernetesClient client, ObjectCache cache) {
        this.client = client;
        this.cache = cache;
    }

    /** The key of a connector. */
    public static String of(String namespace, String name) {
        return namespace + "/" + name;
    }

    /** The key of the connector that owns {@code child}, or null when it carries no connector label. */
    public String ofChild(HasMetadata child) {
        Map<String, String> labels = child.getMetadata().getLabels();
        String connector = labels == null ? null : labels.get(ConnectorResources.CONNECTOR_LABEL);
        return connector == null ? null : of(child.getMetadata().getNamespace(), connector);
    }

    /** Keys of the connectors in the gateway's namespace whose {@code spec.gatewayRef} names it. */
    public List<String> referencingGateway(HasMetadata gateway) {
        String namespace = gateway.getMetadata().getNamespace();
        String name = gateway.getMetadata().getName();
        List<TunnelConnector> connectors = cache.covers(TunnelConnector.class, namespace)
                ? cache.list(TunnelConnector.class, namespace)
                : client.resources(TunnelConnector.class)
                        .inNamespace(namespace)
                        .list()
                        .getItems();
        return connectors.stream()
                .filter(c -> c.getSpec() != null
                        && c.getSpec().getGatewayRef() != null
                        && name.equals(c.getSpec().getGatewayRef().getName()))
                .map(c -> of(namespace, c.getMetadata().getName()))
                .toList();
    }
}
