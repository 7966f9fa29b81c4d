package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.camel.Requeue;
import java.time.Duration;

/**
 * What one reconcile did, for the route's log line and metrics; as the route's final body it is the
 * {@link Requeue} the work queue honours.
 *
 * @param namespace the connector's namespace
 * @param name the connector's name
 * @param previousState the state before, or null for a new or deleted connector
 * @param decision the state decided now, or null when the connector is gone
 * @param writes how many child objects were created, updated or deleted
 * @param requeueAfter when to reconcile again without an event, or null
 * @param durationNanos how long the reconcile took
 */
public record ReconcileOutcome(
        String namespace,
        String name,
        TunnelConnectorState previousState,
        StateDecision decision,
        long writes,
        Duration requeueAfter,
        long durationNanos)
        implements Requeue {

    /** The outcome for a connector that no longer exists. */
    static ReconcileOutcome deleted(String namespace, String name, int childrenDeleted, long durationNanos) {
        return new ReconcileOutcome(namespace, name, null, null, childrenDeleted, null, durationNanos);
    }

    /** Whether the state changed in this reconcile. */
    public boolean stateChanged() {
        return decision != null && decision.state() != previousState;
    }

    /** The state now, or "Deleted". */
    public String stateName() {
        return decision == null ? "Deleted" : decision.state().name();
    }

    /** One log line: namespace/name, the state (and transition), the reason, writes and duration. */
    public String logLine() {
        String transition = stateChanged() && previousState != null ? previousState + "->" + stateName() : stateName();
        String reason = decision == null ? "" : " reason=" + decision.reason();
        return "reconciled connector=" + namespace + "/" + name + " state=" + transition + reason + " writes=" + writes
                + " durationMs=" + Duration.ofNanos(durationNanos).toMillis();
    }
}
