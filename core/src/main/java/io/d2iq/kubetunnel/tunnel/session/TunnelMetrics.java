package io.d2iq.kubetunnel.tunnel.session;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** The tunnel's meters, tagged with the side ({@code server} or {@code agent}) that records them. */
public final class TunnelMetrics {

    private final MeterRegistry registry;
    private final String side;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final Counter sessionsOpened;
    private final Counter streamsOpened;
    private final Counter streamsClosed;
    private final Counter streamsReset;
    private final Counter bytesSent;
    private final Counter bytesReceived;
    private final Counter pingsMissed;
    private final Timer dialLatency;

    public TunnelMetrics(MeterRegistry registry, String side) {
        this.registry = registry;
        this.side = side;
        Gauge.builder("kubetunnel.sessions", sessions, AtomicInteger::get)
                .tag("side", side)
                .description("Tunnel sessions currently connected")
                .register(registry);
        Gauge.builder("kubetunnel.streams.active", activeStreams, AtomicInteger::get)
                .tag("side", side)
                .description("Streams currently open")
                .register(registry);
        sessionsOpened =
                Counter.builder("kubetunnel.sessions.opened").tag("side", side).register(registry);
        streamsOpened =
                Counter.builder("kubetunnel.streams.opened").tag("side", side).register(registry);
        streamsClosed = Counter.builder("kubetunnel.streams.closed")
                .tag("side", side)
                .tag("outcome", "closed")
                .register(registry);
        streamsReset = Counter.builder("kubetunnel.streams.closed")
                .tag("side", side)
                .tag("outcome", "reset")
                .register(registry);
        bytesSent = Counter.builder("kubetunnel.bytes")
                .tag("side", side)
                .tag("direction", "sent")
                .baseUnit("bytes")
                .register(registry);
        bytesReceived = Counter.builder("kubetunnel.bytes")
                .tag("side", side)
                .tag("direction", "received")
                .baseUnit("bytes")
                .register(registry);
        pingsMissed =
                Counter.builder("kubetunnel.pings.missed").tag("side", side).register(registry);
        dialLatency = Timer.builder("kubetunnel.dial.duration")
                .tag("side", side)
                .publishPercentileHistogram()
                .description("Time from OPEN to OPEN_ACK")
                .register(registry);
    }

    void sessionOpened() {
        sessions.incrementAndGet();
        sessionsOpened.increment();
    }

    void sessionClosed() {
        sessions.decrementAndGet();
    }

    void streamOpened() {
        activeStreams.incrementAndGet();
        streamsOpened.increment();
    }

    void streamClosed(boolean reset) {
        activeStreams.decrementAndGet();
        (reset ? streamsReset : streamsClosed).increment();
    }

    void bytesSent(int bytes) {
        bytesSent.increment(bytes);
    }

    void bytesReceived(int bytes) {
        bytesReceived.increment(bytes);
    }

    void pingMissed() {
        pingsMissed.increment();
    }

    public void dialSucceeded(Duration latency) {
        dialLatency.record(latency);
    }

    public void dialFailed(DialFailure failure) {
        Counter.builder("kubetunnel.dial.failures")
                .tag("side", side)
                .tag("reason", failure.name())
                .register(registry)
                .increment();
    }

    /** Streams currently open on this side (all sessions). */
    public int activeStreams() {
        return activeStreams.get();
    }
}
