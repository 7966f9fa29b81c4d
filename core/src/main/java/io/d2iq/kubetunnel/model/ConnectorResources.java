package io.d2iq.kubetunnel.model;

/**
 * Names of everything that exists because of a TunnelConnector. Every child's name comes from here;
 * nothing else concatenates names.
 */
public final class ConnectorResources {

    /** Label on every child, naming its connector. */
    public static final String CONNECTOR_LABEL = "kubetunnel.d2iq.io/tunnel-connector";
    /** Name of the tunnel-server Service port the agent's WebSocket reaches. */
    public static final String TUNNEL_PORT_NAME = "tunnel";
    /** Name of the tunnel-server Service port that speaks SOCKS5 and HTTP CONNECT. */
    public static final String PROXY_PORT_NAME = "proxy";
    /** Port of the tunnel server's WebSocket and of the kubeconfig webhook, inside the pod and on the Service. */
    public static final int TUNNEL_PORT = 8443;
    /** Key of the agent manifests in their Secret. */
    public static final String MANIFESTS_KEY = "manifests.yaml";
    /** Key of the kubeconfig in its Secret. */
    public static final String KUBECONFIG_KEY = "kubeconfig";
    /** Key of the connector token in its Secret (and of a ServiceAccount token in a service-account-token Secret). */
    public static final String TOKEN_KEY = "token";
    /** Key of the CA certificate in the gateway's {@code caSecretRef} Secret. */
    public static final String CA_KEY = "ca.crt";
    /** Directory where the tunnel server and webhook pods mount the connector's token Secret. */
    public static final String TOKEN_MOUNT_DIR = "/var/run/kubetunnel/connector-token";

    private ConnectorResources() {}

    /** Deployment, Service, Ingress and NetworkPolicy of the connector's tunnel server. */
    public static String tunnelServerName(String connector) {
        return connector + "-tunnel-server";
    }

    /** Deployment, Service, Ingress and NetworkPolicy of the connector's kubeconfig webhook. */
    public static String kubeconfigWebhookName(String connector) {
        return connector + "-kubeconfig-webhook";
    }

    /** ServiceAccount of the agent's registration: the kubeconfig webhook runs as it; its token never leaves the cluster. */
    public static String agentServiceAccountName(String connector) {
        return connector + "-agent";
    }

    /** Role granting the agent's registration its rights (its own connector, its own kubeconfig Secret). */
    public static String agentRoleName(String connector) {
        return connector + "-agent";
    }

    /** RoleBinding of the agent's Role to its ServiceAccount. */
    public static String agentRoleBindingName(String connector) {
        return connector + "-agent";
    }

    /** Opaque Secret of the connector token, the random secret the remote agent and register Job present. */
    public static String agentTokenSecretName(String connector) {
        return connector + "-agent-token";
    }

    /** Secret holding the YAML that launches the agent on the remote cluster. */
    public static String agentManifestsSecretName(String connector) {
        return connector + "-agent-manifests";
    }

    /** Secret holding the kubeconfig that reaches the remote API server through the tunnel. */
    public static String kubeconfigSecretName(String connector) {
        return connector + "-kubeconfig";
    }

    /** Ingress path of the tunnel server: {@code {prefix}/{ns}/{connector}/tunnel-server}. */
    public static String tunnelServerPath(String urlPathPrefix, String namespace, String connector) {
        return pathPrefix(urlPathPrefix) + "/" + namespace + "/" + connector + "/tunnel-server";
    }

    /** Ingress path of the kubeconfig webhook: {@code {prefix}/{ns}/{connector}/kubeconfig}. */
    public static String kubeconfigWebhookPath(String urlPathPrefix, String namespace, String connector) {
        return pathPrefix(urlPathPrefix) + "/" + namespace + "/" + connector + "/kubeconfig";
    }

    private static String pathPrefix(String urlPathPrefix) {
        String prefix = urlPathPrefix == null ? "" : urlPathPrefix.strip();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return prefix;
    }

    /** In-cluster DNS name of the kubeconfig webhook's Service. */
    public static String kubeconfigWebhookHost(String namespace, String connector) {
        return kubeconfigWebhookName(connector) + "." + namespace + ".svc";
    }

    /** In-cluster DNS name of the tunnel server's Service. */
    public static String tunnelServerHost(String namespace, String connector) {
        return tunnelServerName(connector) + "." + namespace + ".svc";
    }
}
