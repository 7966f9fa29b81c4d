package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;
import java.util.List;
import java.util.Map;

/**
 * Who may open a connection to the per-connector pods. The proxy port reaches the remote cluster's API server with
 * whatever the client presents, so it admits only the controller and clients someone labelled on purpose; the
 * tunnel and webhook ports authenticate the connector token themselves and admit the ingress controller; the
 * management port serves only health and metrics. Every other port of these pods is closed.
 */
public final class ConnectorNetworkPolicies {

    /** Label ({@code "true"}) on a pod of the connector's namespace, or on a namespace, whose pods may use the proxy port. */
    public static final String PROXY_ACCESS_LABEL = "kubetunnel.d2iq.io/proxy-access";
    /** Label the API server puts on every namespace (Kubernetes 1.21+), naming it. */
    public static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private ConnectorNetworkPolicies() {}

    /** The tunnel server's policy: proxy port from the controller and labelled clients, tunnel port from the ingress. */
    public static NetworkPolicy tunnelServer(ConnectorInputs inputs, ControllerSettings settings) {
        return policy(
                inputs.connector(),
                ConnectorResources.tunnelServerName(inputs.name()),
                ConnectorLabels.TUNNEL_SERVER,
                List.of(
                        rule(
                                inputs.proxyPort(),
                                List.of(
                                        controller(settings),
                                        labelledPodsOfTheNamespace(),
                                        podsOfLabelledNamespaces())),
                        rule(ConnectorResources.TUNNEL_PORT, agentPath(inputs, settings)),
                        rule(ManagementPort.PORT, null)));
    }

    /** The webhook's policy: its port from the ingress (the register Job's way in) and the controller (GET /status). */
    public static NetworkPolicy kubeconfigWebhook(ConnectorInputs inputs, ControllerSettings settings) {
        return policy(
                inputs.connector(),
                ConnectorResources.kubeconfigWebhookName(inputs.name()),
                ConnectorLabels.KUBECONFIG_WEBHOOK,
                List.of(
                        rule(ConnectorResources.TUNNEL_PORT, agentPath(inputs, settings)),
                        rule(ManagementPort.PORT, null)));
    }

    private static NetworkPolicy policy(
            TunnelConnector connector, String name, String component, List<NetworkPolicyIngressRule> rules) {
        return new NetworkPolicyBuilder()
                .withMetadata(ConnectorLabels.childMetadata(connector, name, component))
                .withNewSpec()
                .withNewPodSelector()
                .withMatchLabels(ConnectorLabels.selector(connector, component))
                .endPodSelector()
                .withPolicyTypes("Ingress")
                .withIngress(rules)
                .endSpec()
                .build();
    }

    /** Admits TCP {@code port} from {@code peers}, or from every source when {@code peers} is null. */
    private static NetworkPolicyIngressRule rule(int port, List<NetworkPolicyPeer> peers) {
        return new NetworkPolicyIngressRuleBuilder()
                .withPorts(new NetworkPolicyPortBuilder()
                        .withProtocol("TCP")
                        .withPort(new IntOrString(port))
                        .build())
                .withFrom(peers)
                .build();
    }

    /**
     * Where the agent and the register Job come from: the ingress controller's namespace when the gateway has an
     * Ingress and the operator named that namespace, every pod of the cluster when the gateway has none (the agent
     * runs in-cluster), every source otherwise. The controller reads /status on the same port.
     */
    private static List<NetworkPolicyPeer> agentPath(ConnectorInputs inputs, ControllerSettings settings) {
        if (!settings.restrictsIngress()) {
            return null;
        }
        NetworkPolicyPeer clients = inputs.ingressSpec() == null
                ? new NetworkPolicyPeerBuilder()
                        .withNamespaceSelector(new LabelSelector())
                        .build()
                : new NetworkPolicyPeerBuilder()
                        .withNamespaceSelector(namespaceNamed(settings.ingressNamespace()))
                        .build();
        return List.of(controller(settings), clients);
    }

    /** The controller's pods: their labels in their namespace (both, so a look-alike pod elsewhere does not pass). */
    private static NetworkPolicyPeer controller(ControllerSettings settings) {
        return new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(namespaceNamed(settings.controllerNamespace()))
                .withNewPodSelector()
                .withMatchLabels(ConnectorLabels.CONTROLLER_POD_LABELS)
                .endPodSelector()
                .build();
    }

    /**
     * Pods of the connector's namespace labelled for proxy access. A pod label counts only here: whoever may create
     * pods in another namespace chooses their labels, while these pods already share the connector's namespace.
     */
    private static NetworkPolicyPeer labelledPodsOfTheNamespace() {
        return new NetworkPolicyPeerBuilder()
                .withNewPodSelector()
                .withMatchLabels(Map.of(PROXY_ACCESS_LABEL, "true"))
                .endPodSelector()
                .build();
    }

    /** Every pod of a namespace labelled for proxy access (labelling a namespace takes rights on the Namespace). */
    private static NetworkPolicyPeer podsOfLabelledNamespaces() {
        return new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector()
                .withMatchLabels(Map.of(PROXY_ACCESS_LABEL, "true"))
                .endNamespaceSelector()
                .build();
    }

    private static LabelSelector namespaceNamed(String namespace) {
        return new LabelSelectorBuilder()
                .withMatchLabels(Map.of(NAMESPACE_NAME_LABEL, namespace))
                .build();
    }
}
