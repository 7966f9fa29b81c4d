package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Records every state a connector passes through, with the time and reason, for the demo's summary. */
final class StateTimeline implements AutoCloseable {

    private record Entry(Instant at, TunnelConnectorState state, String reason) {}

    private final Instant started = Instant.now();
    private final List<Entry> entries = new ArrayList<>();
    private final SharedIndexInformer<TunnelConnector> informer;

    StateTimeline(KubernetesClient client, String namespace, String name) {
        informer = client.resources(TunnelConnector.class)
                .inNamespace(namespace)
                .withName(name)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(TunnelConnector connector) {
                        record(connector);
                    }

                    @Override
                    public void onUpdate(TunnelConnector before, TunnelConnector connector) {
                        record(connector);
                    }

                    @Override
                    public void onDelete(TunnelConnector connector, boolean unknown) {}
                });
    }

    private synchronized void record(TunnelConnector connector) {
        if (connector.getStatus() == null || connector.getStatus().getState() == null) {
            return;
        }
        TunnelConnectorState state = connector.getStatus().getState();
        if (!entries.isEmpty() && entries.get(entries.size() - 1).state() == state) {
            return;
        }
        List<Condition> conditions = connector.getStatus().getConditions();
        String reason = conditions == null || conditions.isEmpty()
                ? ""
                : conditions.get(0).getReason();
        entries.add(new Entry(Instant.now(), state, reason));
        notifyAll();
    }

    /** Waits until the connector reaches {@code state}; a timeout or a Failed state is a failed step. */
    synchronized void awaitState(TunnelConnectorState state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (entries.isEmpty() || entries.get(entries.size() - 1).state() != state) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new DemoStepFailed("the connector did not reach " + state + " within " + timeout.toSeconds()
                        + " s (now: "
                        + (entries.isEmpty()
                                ? "no status"
                                : entries.get(entries.size() - 1).state() + "/"
                                        + entries.get(entries.size() - 1).reason())
                        + ")");
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** A position in the timeline, for {@link #statesSince(int)}. */
    synchronized int mark() {
        return entries.size();
    }

    /** The states entered after {@code mark}, oldest first. */
    synchronized List<TunnelConnectorState> statesSince(int mark) {
        return entries.subList(Math.min(mark, entries.size()), entries.size()).stream()
                .map(Entry::state)
                .toList();
    }

    /** Prints one line per state with the seconds since the demo applied the samples. */
    synchronized void print(PrintStream out) {
        for (Entry entry : entries) {
            out.printf(
                    "  %6.1fs  %-12s %s%n",
                    Duration.between(started, entry.at()).toMillis() / 1000.0, entry.state(), entry.reason());
        }
    }

    @Override
    public void close() {
        informer.close();
    }
}
