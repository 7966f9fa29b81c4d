package io.d2iq.kubetunnel.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import org.junit.jupiter.api.Test;

class StateDecisionTest {

    private static final ConnectorFacts.ProbeResult REACHABLE =
            new ConnectorFacts.ProbeResult(true, "RemoteApiReachable", "ok");

    @Test
    void aTunnelServerThatIsNotReadyBeforeRegistrationIsStillStarting() {
        StateDecision decision = StateDecision.from(
                new ConnectorFacts(null, null, false, false, null, false, false, null, null), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Starting);
        assertThat(decision.reason()).isEqualTo("TunnelServerNotReady");
    }

    @Test
    void listeningSaysWhichCommandAppliesTheAgentManifestsOnTheRemoteCluster() {
        StateDecision decision = StateDecision.from(
                new ConnectorFacts(null, null, true, false, null, false, false, null, null), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Listening);
        assertThat(decision.message())
                .contains("kubectl get secret c-agent-manifests -o jsonpath='{.data.manifests\\.yaml}' | base64 -d"
                        + " | kubectl --kubeconfig REMOTE apply -f -");
    }

    @Test
    void aConnectorWhoseAgentHadConnectedAndWhoseTunnelServerGoesDownIsDisconnected() {
        StateDecision decision = StateDecision.from(
                new ConnectorFacts(null, null, false, false, null, true, true, null, null), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Disconnected);
        assertThat(decision.reason()).isEqualTo("TunnelServerNotReady");
    }

    @Test
    void aRegistrationPostedBeforeTheAgentsFirstConnectionIsStillListening() {
        StateDecision decision = StateDecision.from(
                new ConnectorFacts(null, null, true, false, null, true, false, null, null), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Listening);
        assertThat(decision.reason()).isEqualTo("AgentNotConnected");
    }

    @Test
    void aRegisteredAgentThatHadConnectedAndIsGoneIsDisconnected() {
        StateDecision decision = StateDecision.from(
                new ConnectorFacts(null, null, true, false, null, true, true, null, null), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Disconnected);
        assertThat(decision.reason()).isEqualTo("AgentDisconnected");
    }

    @Test
    void aTunnelServerThatIsNotReadyAfterRegistrationButBeforeTheAgentsFirstConnectionIsStillStarting() {
        StateDecision decision = StateDecision.from(
                new ConnectorFacts(null, null, false, false, null, true, false, null, null), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Starting);
    }

    @Test
    void aReadyTunnelServerWithTheAgentRegisteredAndAReachableApiIsConnected() {
        StateDecision decision = StateDecision.from(
                new ConnectorFacts(null, null, true, true, null, true, true, null, REACHABLE), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Connected);
    }

    @Test
    void aStoredKubeconfigTheControllerRefusesIsFailedWhateverElseHolds() {
        ConnectorFacts.Problem rejected =
                new ConnectorFacts.Problem("KubeconfigRejected", "users[0].user.exec is not allowed");
        ConnectorFacts.Problem lastPost = new ConnectorFacts.Problem("KubeconfigInvalid", "the body is empty");

        StateDecision decision = StateDecision.from(
                new ConnectorFacts(null, null, true, true, lastPost, true, true, rejected, null), "c-agent-manifests");

        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Failed);
        assertThat(decision.reason()).isEqualTo("KubeconfigRejected");
        assertThat(decision.message())
                .startsWith("users[0].user.exec is not allowed")
                .contains("register Job");
    }
}
