package io.d2iq.kubetunnel.model;

/**
 * What the controller's operator chooses at install time and every builder needs.
 *
 * @param image container image that runs every role (tunnel server, webhook, agent, register)
 * @param agentClusterRole ClusterRole bound, on the remote cluster, to the ServiceAccount whose token is registered:
 *        what the management cluster may do there through the tunnel (cluster-admin by default)
 * @param controllerNamespace namespace of the controller's pods, admitted to every port of the per-connector pods
 * @param ingressNamespace namespace of the ingress controller, the only one admitted to the tunnel and webhook
 *        ports of connectors whose gateway has an Ingress; null or blank admits every source there
 */
public record ControllerSettings(
        String image, String agentClusterRole, String controllerNamespace, String ingressNamespace) {

    /** Image used when the controller is not told otherwise. */
    public static final String DEFAULT_IMAGE = "ghcr.io/d2iq/kubetunnel:latest";
    /** Remote ClusterRole bound to the registered ServiceAccount unless configured. */
    public static final String DEFAULT_AGENT_CLUSTER_ROLE = "cluster-admin";
    /** Namespace that deploy/ installs the controller into. */
    public static final String DEFAULT_CONTROLLER_NAMESPACE = "kubetunnel-system";

    /** Settings with the given image and remote role, the default controller namespace and no ingress restriction. */
    public ControllerSettings(String image, String agentClusterRole) {
        this(image, agentClusterRole, DEFAULT_CONTROLLER_NAMESPACE, null);
    }

    /** Settings with the defaults above. */
    public static ControllerSettings defaults() {
        return new ControllerSettings(DEFAULT_IMAGE, DEFAULT_AGENT_CLUSTER_ROLE);
    }

    /** Whether the tunnel and webhook ports admit only the ingress controller's namespace (and the controller). */
    public boolean restrictsIngress() {
        return ingressNamespace != null && !ingressNamespace.isBlank();
    }
}
