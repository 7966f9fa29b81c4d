package io.d2iq.kubetunnel.model;

import java.util.regex.Pattern;

/**
 * Where the remote cluster reaches a connector's tunnel server and webhook.
 *
 * @param tunnelServerWebSocketUrl {@code wss://host/prefix/ns/name/tunnel-server}, or {@code ws://} in-cluster
 * @param webhookUrl {@code https://host/prefix/ns/name/kubeconfig}, or {@code http://} in-cluster
 * @param hostAlias the IP address the URLs' host name resolves to on the remote pods, or null when DNS must resolve it
 */
public record ConnectorEndpoints(String tunnelServerWebSocketUrl, String webhookUrl, HostAlias hostAlias) {

    /** A host name pinned to an address, as a pod's {@code hostAliases} entry. */
    public record HostAlias(String ip, String hostname) {}

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    /**
     * The endpoints for these inputs, or null while the gateway's Ingress has no known address yet.
     * Without an ingress the endpoints are the in-cluster Services (reachable only where that DNS resolves).
     *
     * <p>With {@code spec.ingress.host} set, the URLs carry that host: the Ingress rules match only it and the
     * certificate is issued for it, so a request to the bare address gets the ingress controller's 404 and fails TLS
     * verification. The address (load balancer or Ingress status) then only says where the host is: when it is an IP
     * address the remote pods get a host alias for it, since the host may not resolve there (a test domain, split DNS);
     * when it is a name, DNS is trusted with the host as well.
     */
    public static ConnectorEndpoints of(ConnectorInputs inputs) {
        if (inputs.ingressSpec() == null) {
            String port = ":" + ConnectorResources.TUNNEL_PORT;
            String namespace = inputs.namespace();
            return new ConnectorEndpoints(
                    "ws://" + ConnectorResources.tunnelServerHost(namespace, inputs.name()) + port + "/",
                    "http://" + ConnectorResources.kubeconfigWebhookHost(namespace, inputs.name()) + port + "/",
                    null);
        }
        if (inputs.externalAddress() == null) {
            return null;
        }
        String authority = inputs.externalAddress();
        HostAlias alias = null;
        String host = inputs.ingressSpec().getHost();
        if (host != null && !host.isBlank()) {
            int colon = authority.lastIndexOf(':');
            boolean hasPort = colon > 0 && !authority.endsWith("]") && authority.indexOf(':') == colon;
            String address = hasPort ? authority.substring(0, colon) : authority;
            alias = IPV4.matcher(address).matches() ? new HostAlias(address, host.strip()) : null;
            authority = host.strip() + (hasPort ? authority.substring(colon) : "");
        }
        String prefix = inputs.ingressSpec().getUrlPathPrefix();
        return new ConnectorEndpoints(
                "wss://" + authority + ConnectorResources.tunnelServerPath(prefix, inputs.namespace(), inputs.name()),
                "https://" + authority
                        + ConnectorResources.kubeconfigWebhookPath(prefix, inputs.namespace(), inputs.name()),
                alias);
    }
}
