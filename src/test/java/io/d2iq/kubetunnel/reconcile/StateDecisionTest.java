package io.d2iq.kubetunnel.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import org.junit.jupiter.api.Test;

class StateDecisionTest {

    private static final ConnectorFacts.ProbeResult REACHABLE = new ConnectorFacts.ProbeResult(true, "RemoteApiReachable", "ok");

    @Test
    void aTunnelServerThatIsNotReadyBeforeRegistrationIsStillStarting() {
        StateDecision decision = StateDecision.from(new ConnectorFacts(null, null, false, false, null, false, null), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Starting);
        assertThat(decision.reason()).isEqualTo("TunnelServerNotReady");
    }

    @Test
    void aRegisteredConnectorWhoseTunnelServerGoesDownIsDisconnected() {
        StateDecision decision = StateDecision.from(new ConnectorFacts(null, null, false, false, null, true, null), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Disconnected);
        assertThat(decision.reason()).isEqualTo("TunnelServerNotReady");
    }

    @Test
    void aReadyTunnelServerWithTheAgentRegisteredAndAReachableApiIsConnected() {
        StateDecision decision = StateDecision.from(new ConnectorFacts(null, null, true, true, null, true, REACHABLE), "c-agent-manifests");
        assertThat(decision.state()).isEqualTo(TunnelConnectorState.Connected);
    }
}
