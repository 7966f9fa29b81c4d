package io.d2iq.kubetunnel.model;

/**
 * What the controller's operator chooses at install time and every builder needs.
 *
 * @param image container image that runs every role (tunnel server, webhook, agent, register)
 * @param agentClusterRole ClusterRole bound to the agent's ServiceAccount on the remote cluster; what
 *        the management cluster may do there through the tunnel (cluster-admin by default)
 */
public record ControllerSettings(String image, String agentClusterRole) {

    /** Image used when the controller is not told otherwise. */
    public static final String DEFAULT_IMAGE = "ghcr.io/d2iq/kubetunnel:latest";
    /** Remote ClusterRole bound to the agent's ServiceAccount unless configured. */
    public static final String DEFAULT_AGENT_CLUSTER_ROLE = "cluster-admin";

    /** Settings with the defaults above. */
    public static ControllerSettings defaults() {
        return new ControllerSettings(DEFAULT_IMAGE, DEFAULT_AGENT_CLUSTER_ROLE);
    }
}
