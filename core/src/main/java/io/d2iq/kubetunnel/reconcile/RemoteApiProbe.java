package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.model.ConnectorInputs;

/** Asks the remote API server something harmless through the tunnel, using the registered kubeconfig. */
@FunctionalInterface
public interface RemoteApiProbe {

    /**
     * The result of one request to {@code connector}'s remote API server with {@code kubeconfig} (already checked by
     * the parser), sent through that connector's own tunnel-server proxy port whatever the kubeconfig's proxy-url says.
     */
    ConnectorFacts.ProbeResult probe(ConnectorInputs connector, Kubeconfig kubeconfig);

    /** Drops whatever the probe keeps for a connector that no longer exists. */
    default void forget(String connectorKey) {}
}
