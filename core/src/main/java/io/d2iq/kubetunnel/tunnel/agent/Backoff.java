package io.d2iq.kubetunnel.tunnel.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff between reconnect attempts: the ceiling doubles from {@link #INITIAL} up to
 * {@code max}, and each delay is drawn from [ceiling/2, ceiling] so many agents do not reconnect in step.
 */
public final class Backoff {

    /** Ceiling of the first delay. */
    public static final Duration INITIAL = Duration.ofMillis(250);
    /** Default cap of the ceiling. */
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);

    private final long maxMillis;
    private long ceilingMillis;

    public Backoff(Duration max) {
        this.maxMillis = Math.max(1, max.toMillis());
        reset();
    }

    /** The delay before the next attempt. */
    public Duration next() {
        long ceiling = ceilingMillis;
        ceilingMillis = Math.min(maxMillis, ceilingMillis * 2);
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }

    /** A session got established: start again from the shortest delay. */
    public void reset() {
        ceilingMillis = Math.min(maxMillis, INITIAL.toMillis());
    }
}
