package io.d2iq.kubetunnel.api.v1alpha1;

/** State of a tunnel connector, as documented on {@code TunnelConnectorStatus.state}. */
public enum TunnelConnectorState {
    /** The initial state: children are being created. */
    Starting,
    /** The local tunnel server is waiting for the remote agent to connect. */
    Listening,
    /** The remote agent has connected but the local proxy or kubeconfig is not ready. */
    Pending,
    /** The tunnel is configured and contact to the remote API server succeeded. */
    Connected,
    /** The tunnel is configured but contact to the remote API server failed. */
    Disconnected,
    /** An error that a retry will not fix, such as an unparsable kubeconfig. */
    Failed
}
