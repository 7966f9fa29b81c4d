package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.model.ComponentWorkload.NamedPort;
import java.util.List;

/** The two per-connector components and the arguments their roles run with. */
public final class ConnectorWorkloads {

    /** Service port name of the kubeconfig webhook. */
    public static final String WEBHOOK_PORT_NAME = "webhook";
    /** Where the pods find the connector's token. */
    public static final String TOKEN_FILE = ConnectorResources.TOKEN_MOUNT_DIR + "/" + ConnectorResources.TOKEN_KEY;

    private ConnectorWorkloads() {}

    /**
     * The tunnel server: WebSocket on port {@code tunnel}, SOCKS5/HTTP CONNECT on port {@code proxy}. Updated by
     * Recreate: the agent's session lives in one pod, and a second pod behind the same Service during a rolling
     * update would take proxy clients that its missing agent cannot serve.
     */
    public static ComponentWorkload tunnelServer(ConnectorInputs inputs) {
        String port = Integer.toString(ConnectorResources.TUNNEL_PORT);
        String proxyPort = Integer.toString(inputs.proxyPort());
        return new ComponentWorkload(
                ConnectorLabels.TUNNEL_SERVER,
                ConnectorResources.tunnelServerName(inputs.name()),
                List.of(
                        "tunnel-server",
                        "--port",
                        port,
                        "--proxy-port",
                        proxyPort,
                        "--token-file",
                        TOKEN_FILE,
                        "--namespace",
                        inputs.namespace(),
                        "--connector",
                        inputs.name()),
                List.of(
                        new NamedPort(ConnectorResources.TUNNEL_PORT_NAME, ConnectorResources.TUNNEL_PORT),
                        new NamedPort(ConnectorResources.PROXY_PORT_NAME, inputs.proxyPort())),
                null,
                ConnectorResources.tunnelServerPath(urlPathPrefix(inputs), inputs.namespace(), inputs.name()),
                true);
    }

    /** The kubeconfig webhook: runs as the agent's ServiceAccount, whose Role lets it write only the kubeconfig Secret. */
    public static ComponentWorkload kubeconfigWebhook(ConnectorInputs inputs) {
        return new ComponentWorkload(
                ConnectorLabels.KUBECONFIG_WEBHOOK,
                ConnectorResources.kubeconfigWebhookName(inputs.name()),
                List.of(
                        "kubeconfig-webhook",
                        "--port",
                        Integer.toString(ConnectorResources.TUNNEL_PORT),
                        "--token-file",
                        TOKEN_FILE,
                        "--namespace",
                        inputs.namespace(),
                        "--connector",
                        inputs.name(),
                        "--proxy-port",
                        Integer.toString(inputs.proxyPort())),
                List.of(new NamedPort(WEBHOOK_PORT_NAME, ConnectorResources.TUNNEL_PORT)),
                ConnectorResources.agentServiceAccountName(inputs.name()),
                ConnectorResources.kubeconfigWebhookPath(urlPathPrefix(inputs), inputs.namespace(), inputs.name()),
                false);
    }

    private static String urlPathPrefix(ConnectorInputs inputs) {
        return inputs.ingressSpec() == null ? null : inputs.ingressSpec().getUrlPathPrefix();
    }
}
