package io.d2iq.kubetunnel.laptop;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.kubeconfig.InvalidKubeconfigException;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.reconcile.ConnectorStatusWriter;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * What {@code kubetunnel kubeconfig} prints, decided from the objects it read: the connector's stored kubeconfig with
 * its proxy-url pointing at this machine, or the one reason it cannot be given. Pure: no client, no I/O.
 */
public final class LaptopKubeconfig {

    private LaptopKubeconfig() {}

    /** The reason a kubeconfig cannot be given, and the exit code that names it (docs/operations.md, "From a laptop"). */
    public static final class Refused extends Exception {
        private final int exitCode;

        Refused(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /** Exit code: the management API could not be read (kubeconfig, network, RBAC). */
    public static final int EXIT_API_ERROR = 1;
    /** Exit code: the TunnelConnector does not exist. */
    public static final int EXIT_CONNECTOR_NOT_FOUND = 3;
    /** Exit code: the connector is not Connected. */
    public static final int EXIT_NOT_CONNECTED = 4;
    /** Exit code: the kubeconfig Secret is missing or holds no kubeconfig. */
    public static final int EXIT_SECRET_MISSING = 5;
    /** Exit code: the stored kubeconfig is refused by the data-only parser. */
    public static final int EXIT_KUBECONFIG_REFUSED = 6;
    /** Exit code: no running tunnel-server Pod to forward to. */
    public static final int EXIT_NO_TUNNEL_SERVER_POD = 7;
    /** Exit code: the management API does not serve pods/portforward, or the local port cannot be bound. */
    public static final int EXIT_FORWARD_FAILED = 8;

    /**
     * The kubeconfig of connector {@code ns/name} whose clients use {@code proxyUrl}; {@code connector} and
     * {@code secret} are as read (null when absent).
     */
    public static Kubeconfig build(String ns, String name, TunnelConnector connector, Secret secret, String proxyUrl)
            throws Refused {
        String key = ns + "/" + name;
        if (connector == null) {
            throw new Refused(EXIT_CONNECTOR_NOT_FOUND, "TunnelConnector " + key + " not found");
        }
        checkConnected(key, connector);
        String secretName = ConnectorResources.kubeconfigSecretName(name);
        if (secret == null) {
            throw new Refused(
                    EXIT_SECRET_MISSING, "Secret " + ns + "/" + secretName + " of connector " + key + " not found");
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(ConnectorResources.KUBECONFIG_KEY);
        if (encoded == null || encoded.isEmpty()) {
            throw new Refused(
                    EXIT_SECRET_MISSING,
                    "Secret " + ns + "/" + secretName + " holds no " + ConnectorResources.KUBECONFIG_KEY
                            + " (the agent has not registered)");
        }
        String yaml;
        try {
            yaml = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused(
                    EXIT_KUBECONFIG_REFUSED,
                    "Secret " + ns + "/" + secretName + ": " + ConnectorResources.KUBECONFIG_KEY + " is not base64");
        }
        try {
            return KubeconfigParser.parse(yaml).withProxyUrl(proxyUrl);
        } catch (InvalidKubeconfigException e) {
            throw new Refused(
                    EXIT_KUBECONFIG_REFUSED,
                    "Secret " + ns + "/" + secretName + ": kubeconfig refused: " + e.getMessage());
        }
    }

    private static void checkConnected(String key, TunnelConnector connector) throws Refused {
        TunnelConnectorState state =
                connector.getStatus() == null ? null : connector.getStatus().getState();
        if (state == TunnelConnectorState.Connected) {
            return;
        }
        List<Condition> conditions =
                connector.getStatus() == null || connector.getStatus().getConditions() == null
                        ? List.of()
                        : connector.getStatus().getConditions();
        Condition ready = conditions.stream()
                .filter(c -> ConnectorStatusWriter.READY_CONDITION.equals(c.getType()))
                .findFirst()
                .orElse(null);
        StringBuilder message = new StringBuilder("TunnelConnector ")
                .append(key)
                .append(" is not Connected: state ")
                .append(state == null ? "(none yet)" : state.name());
        if (ready != null && ready.getReason() != null) {
            message.append(", reason ").append(ready.getReason());
        }
        if (ready != null && ready.getMessage() != null && !ready.getMessage().isBlank()) {
            message.append(": ").append(ready.getMessage().strip().replace('\n', ' '));
        }
        throw new Refused(EXIT_NOT_CONNECTED, message.toString());
    }
}
