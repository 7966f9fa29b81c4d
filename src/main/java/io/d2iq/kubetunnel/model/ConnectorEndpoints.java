package io.d2iq.kubetunnel.model;

/**
 * Where the remote cluster reaches a connector's tunnel server and webhook.
 *
 * @param tunnelServerWebSocketUrl {@code wss://host/prefix/ns/name/tunnel-server}, or {@code ws://} in-cluster
 * @param webhookUrl {@code https://host/prefix/ns/name/kubeconfig}, or {@code http://} in-cluster
 */
public record ConnectorEndpoints(String tunnelServerWebSocketUrl, String webhookUrl) {

    /**
     * The endpoints for these inputs, or null while the gateway's Ingress has no known address yet.
     * Without an ingress the endpoints are the in-cluster Services (reachable only where that DNS resolves).
     */
    public static ConnectorEndpoints of(ConnectorInputs inputs) {
        if (inputs.ingressSpec() == null) {
            String port = ":" + ConnectorResources.TUNNEL_PORT;
            String namespace = inputs.namespace();
            return new ConnectorEndpoints(
                    "ws://" + ConnectorResources.tunnelServerHost(namespace, inputs.name()) + port + "/",
                    "http://" + ConnectorResources.kubeconfigWebhookHost(namespace, inputs.name()) + port + "/");
        }
        if (inputs.externalAddress() == null) {
            return null;
        }
        String prefix = inputs.ingressSpec().getUrlPathPrefix();
        return new ConnectorEndpoints(
                "wss://" + inputs.externalAddress() + ConnectorResources.tunnelServerPath(prefix, inputs.namespace(), inputs.name()),
                "https://" + inputs.externalAddress() + ConnectorResources.kubeconfigWebhookPath(prefix, inputs.namespace(), inputs.name()));
    }
}
