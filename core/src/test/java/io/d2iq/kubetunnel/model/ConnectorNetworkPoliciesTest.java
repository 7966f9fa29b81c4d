package io.d2iq.kubetunnel.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectorNetworkPoliciesTest {

    private static final ControllerSettings RESTRICTED =
            new ControllerSettings("img", "cluster-admin", "kubetunnel-system", "ingress-nginx");
    private static final Map<String, String> CONTROLLER_NAMESPACE =
            Map.of("kubernetes.io/metadata.name", "kubetunnel-system");
    private static final Map<String, String> PROXY_ACCESS = Map.of("kubetunnel.d2iq.io/proxy-access", "true");

    private final TunnelConnector connector = ConnectorFixtures.connector("ns1", "c1", "gw", 1090);
    private final ConnectorInputs withIngress = new ConnectorInputs(
            connector,
            ConnectorFixtures.gateway("ns1", "gw", "t.example.com", "/kt", null),
            null,
            "t",
            "lb.example.com");
    private final ConnectorInputs withoutIngress =
            new ConnectorInputs(connector, ConnectorFixtures.gatewayWithoutIngress("ns1", "gw"), null, "t", null);

    private static NetworkPolicyIngressRule ruleFor(NetworkPolicy policy, int port) {
        List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress().stream()
                .filter(rule ->
                        rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == port))
                .toList();
        assertThat(rules).as("one rule admits port " + port).hasSize(1);
        return rules.get(0);
    }

    @Test
    void theTunnelServerPolicyIsNamedOwnedAndSelectsOnlyThisConnectorsTunnelServerPods() {
        NetworkPolicy policy = ConnectorNetworkPolicies.tunnelServer(withIngress, RESTRICTED);

        assertThat(policy.getMetadata().getName())
                .isEqualTo(ConnectorResources.tunnelServerName("c1"))
                .isEqualTo("c1-tunnel-server");
        assertThat(policy.getMetadata().getNamespace()).isEqualTo("ns1");
        assertThat(policy.getMetadata().getLabels()).containsEntry(ConnectorResources.CONNECTOR_LABEL, "c1");
        assertThat(policy.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getUid()).isEqualTo("uid-c1");
            assertThat(owner.getController()).isTrue();
        });
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(ConnectorLabels.selector(connector, ConnectorLabels.TUNNEL_SERVER))
                .isEqualTo(ConnectorWorkloads.tunnelServer(withIngress)
                        .deployment(connector, RESTRICTED)
                        .getSpec()
                        .getSelector()
                        .getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress())
                .flatExtracting(NetworkPolicyIngressRule::getPorts)
                .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .as("no other port is open")
                .containsExactlyInAnyOrder("TCP/1090", "TCP/8443", "TCP/8080");
    }

    @Test
    void theProxyPortAdmitsOnlyTheControllerAndLabelledPodsOrNamespaces() {
        List<NetworkPolicyPeer> from = ruleFor(ConnectorNetworkPolicies.tunnelServer(withIngress, RESTRICTED), 1090)
                .getFrom();

        assertThat(from).hasSize(3);
        assertThat(from).anySatisfy(peer -> {
            // namespace and pod labels in one peer: both must match, so a pod labelled like the controller elsewhere
            // does not pass
            assertThat(peer.getNamespaceSelector().getMatchLabels()).isEqualTo(CONTROLLER_NAMESPACE);
            assertThat(peer.getPodSelector().getMatchLabels())
                    .isEqualTo(ConnectorLabels.CONTROLLER_POD_LABELS)
                    .containsEntry("app.kubernetes.io/component", "controller");
        });
        assertThat(from).anySatisfy(peer -> {
            assertThat(peer.getNamespaceSelector())
                    .as("pod labels count in the connector's namespace only")
                    .isNull();
            assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(PROXY_ACCESS);
        });
        assertThat(from).anySatisfy(peer -> {
            assertThat(peer.getPodSelector()).isNull();
            assertThat(peer.getNamespaceSelector().getMatchLabels()).isEqualTo(PROXY_ACCESS);
        });
        assertThat(from).allSatisfy(peer -> assertThat(peer.getIpBlock()).isNull());
        assertThat(ruleFor(ConnectorNetworkPolicies.tunnelServer(withIngress, ControllerSettings.defaults()), 1090)
                        .getFrom())
                .as("without an ingress namespace the proxy port stays closed to strangers")
                .isEqualTo(from);
    }

    @Test
    void theTunnelAndWebhookPortsAdmitTheIngressNamespaceAndTheController() {
        for (NetworkPolicy policy : List.of(
                ConnectorNetworkPolicies.tunnelServer(withIngress, RESTRICTED),
                ConnectorNetworkPolicies.kubeconfigWebhook(withIngress, RESTRICTED))) {
            List<NetworkPolicyPeer> from =
                    ruleFor(policy, ConnectorResources.TUNNEL_PORT).getFrom();
            assertThat(from).hasSize(2);
            assertThat(from).anySatisfy(peer -> {
                assertThat(peer.getPodSelector()).isNull();
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .isEqualTo(Map.of("kubernetes.io/metadata.name", "ingress-nginx"));
            });
            assertThat(from)
                    .anySatisfy(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                            .isEqualTo(ConnectorLabels.CONTROLLER_POD_LABELS));
        }
    }

    @Test
    void withoutAGatewayIngressTheAgentRunsInClusterAndAnyPodOfTheClusterMayDialTheTunnelPort() {
        List<NetworkPolicyPeer> from = ruleFor(
                        ConnectorNetworkPolicies.tunnelServer(withoutIngress, RESTRICTED),
                        ConnectorResources.TUNNEL_PORT)
                .getFrom();
        assertThat(from).anySatisfy(peer -> {
            assertThat(peer.getPodSelector()).isNull();
            assertThat(peer.getNamespaceSelector().getMatchLabels()).isNullOrEmpty();
            assertThat(peer.getNamespaceSelector().getMatchExpressions()).isNullOrEmpty();
        });
    }

    @Test
    void withoutAnIngressNamespaceTheTunnelAndWebhookPortsAdmitEverySourceAsTheyAuthenticateThemselves() {
        assertThat(ruleFor(
                                ConnectorNetworkPolicies.tunnelServer(withIngress, ControllerSettings.defaults()),
                                ConnectorResources.TUNNEL_PORT)
                        .getFrom())
                .isNullOrEmpty();
        assertThat(ruleFor(
                                ConnectorNetworkPolicies.kubeconfigWebhook(withIngress, ControllerSettings.defaults()),
                                ConnectorResources.TUNNEL_PORT)
                        .getFrom())
                .isNullOrEmpty();
    }

    @Test
    void theManagementPortAdmitsEverySourceForProbesAndMetrics() {
        assertThat(ruleFor(ConnectorNetworkPolicies.tunnelServer(withIngress, RESTRICTED), ManagementPort.PORT)
                        .getFrom())
                .isNullOrEmpty();
        assertThat(ruleFor(ConnectorNetworkPolicies.kubeconfigWebhook(withIngress, RESTRICTED), ManagementPort.PORT)
                        .getFrom())
                .isNullOrEmpty();
    }

    @Test
    void theWebhookPolicySelectsOnlyTheWebhookPodsAndOpensNoProxyPort() {
        NetworkPolicy policy = ConnectorNetworkPolicies.kubeconfigWebhook(withIngress, RESTRICTED);
        assertThat(policy.getMetadata().getName()).isEqualTo("c1-kubeconfig-webhook");
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(ConnectorLabels.selector(connector, ConnectorLabels.KUBECONFIG_WEBHOOK));
        assertThat(policy.getSpec().getIngress())
                .flatExtracting(NetworkPolicyIngressRule::getPorts)
                .extracting(p -> p.getPort().getIntVal())
                .containsExactlyInAnyOrder(8443, 8080);
    }
}
