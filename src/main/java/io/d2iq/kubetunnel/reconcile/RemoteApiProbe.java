package io.d2iq.kubetunnel.reconcile;

/** Asks the remote API server something harmless through the tunnel, using the registered kubeconfig. */
@FunctionalInterface
public interface RemoteApiProbe {

    /** The result of one request for connector {@code namespace/name} made with {@code kubeconfig} (YAML, with its proxy-url). */
    ConnectorFacts.ProbeResult probe(String connectorKey, String kubeconfig);

    /** Drops whatever the probe keeps for a connector that no longer exists. */
    default void forget(String connectorKey) {
    }
}
