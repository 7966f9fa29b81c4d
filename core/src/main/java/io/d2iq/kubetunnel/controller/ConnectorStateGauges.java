package io.d2iq.kubetunnel.controller;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.reconcile.ConnectorKeys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code kubetunnel.connectors{state}}: how many connectors this controller last saw in each state, fed by
 * the connector-reconcile route after every reconcile. Only the leader reconciles, so followers report zeros.
 */
public final class ConnectorStateGauges implements MeterBinder {

    /** The gauge's Micrometer name (Prometheus: {@code kubetunnel_connectors}). */
    public static final String NAME = "kubetunnel.connectors";
    /** The state a reconcile reports for a connector that no longer exists. */
    static final String DELETED = "Deleted";

    private final Map<String, TunnelConnectorState> states = new ConcurrentHashMap<>();

    /** Records the state a reconcile decided for {@code namespace/name}; "Deleted" forgets it. */
    public void record(String namespace, String name, String state) {
        String key = ConnectorKeys.of(namespace, name);
        if (DELETED.equals(state)) {
            states.remove(key);
        } else {
            states.put(key, TunnelConnectorState.valueOf(state));
        }
    }

    /** Connectors last seen in {@code state}. */
    public long count(TunnelConnectorState state) {
        return states.values().stream().filter(state::equals).count();
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (TunnelConnectorState state : TunnelConnectorState.values()) {
            Gauge.builder(NAME, this, gauges -> gauges.count(state))
                    .tag("state", state.name())
                    .description("Connectors in each state, as of their last reconcile")
                    .strongReference(true)
                    .register(registry);
        }
    }
}
