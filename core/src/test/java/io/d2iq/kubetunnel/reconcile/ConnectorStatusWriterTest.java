package io.d2iq.kubetunnel.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorStatus;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelServerStatus;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectorStatusWriterTest {

    @Test
    void equalStatusesAreTheSameAndAChangeInAnyFieldIsSeen() {
        assertThat(ConnectorStatusWriter.sameJson(status(), status())).isTrue();

        TunnelConnectorStatus state = status();
        state.setState(TunnelConnectorState.Connected);
        TunnelConnectorStatus nested = status();
        nested.setTunnelServer(new TunnelServerStatus());
        TunnelConnectorStatus ref = status();
        ref.setRoleRef(new LocalObjectReference("other"));
        TunnelConnectorStatus generation = status();
        generation.setGatewayObservedGeneration(8L);
        TunnelConnectorStatus condition = status();
        condition.setConditions(List.of(
                new ConditionBuilder().withType("Ready").withStatus("True").build()));

        for (TunnelConnectorStatus changed : List.of(state, nested, ref, generation, condition)) {
            assertThat(ConnectorStatusWriter.sameJson(changed, status())).isFalse();
        }
    }

    private static TunnelConnectorStatus status() {
        TunnelConnectorStatus status = new TunnelConnectorStatus();
        status.setState(TunnelConnectorState.Pending);
        status.setRoleRef(new LocalObjectReference("role"));
        status.setGatewayObservedGeneration(7L);
        status.setConditions(List.of(
                new ConditionBuilder().withType("Ready").withStatus("False").build()));
        return status;
    }
}
