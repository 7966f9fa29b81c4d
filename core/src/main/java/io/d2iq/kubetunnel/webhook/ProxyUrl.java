package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
import io.d2iq.kubetunnel.model.ConnectorResources;

/**
 * The {@code proxy-url} written into the kubeconfig: an explicit URL if one was given, else the SOCKS5 port
 * of the connector's tunnel-server Service ({@code --proxy-port}, else {@code spec.proxyPort}, else 1080).
 */
public record ProxyUrl(String explicitUrl, Integer explicitPort) {

    public String of(TunnelConnector connector) {
        if (explicitUrl != null) {
            return explicitUrl;
        }
        String host = ConnectorResources.tunnelServerHost(
                connector.getMetadata().getNamespace(), connector.getMetadata().getName());
        return "socks5://" + host + ":" + port(connector.getSpec());
    }

    private int port(TunnelConnectorSpec spec) {
        if (explicitPort != null) {
            return explicitPort;
        }
        return spec != null && spec.getProxyPort() != null
                ? spec.getProxyPort()
                : TunnelConnectorSpec.DEFAULT_PROXY_PORT;
    }
}
