package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewayIngressSpec;

/**
 * Everything the desired children of one connector depend on, read once per reconcile.
 *
 * @param connector the connector, freshly read
 * @param gateway the gateway it references, or null when missing
 * @param caCertificate PEM of the gateway's {@code caSecretRef} key {@code ca.crt}, or null
 * @param agentToken the connector token: the one its Secret holds, or a new one that this reconcile stores
 * @param externalAddress host (and optional port) where the gateway's Ingress is reachable, or null while unknown
 */
public record ConnectorInputs(
        TunnelConnector connector,
        TunnelGateway gateway,
        String caCertificate,
        String agentToken,
        String externalAddress) {

    /** The connector's namespace. */
    public String namespace() {
        return connector.getMetadata().getNamespace();
    }

    /** The connector's name. */
    public String name() {
        return connector.getMetadata().getName();
    }

    /** {@code spec.proxyPort}, or the default when unset. */
    public int proxyPort() {
        TunnelConnectorSpec spec = connector.getSpec();
        return spec == null || spec.getProxyPort() == null
                ? TunnelConnectorSpec.DEFAULT_PROXY_PORT
                : spec.getProxyPort();
    }

    /** The gateway's ingress settings, or null when services stay in-cluster. */
    public TunnelGatewayIngressSpec ingressSpec() {
        return gateway == null || gateway.getSpec() == null
                ? null
                : gateway.getSpec().getIngress();
    }
}
