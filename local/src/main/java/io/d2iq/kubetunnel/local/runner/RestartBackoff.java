package io.d2iq.kubetunnel.local.runner;

import java.time.Duration;

/**
 * CrashLoopBackOff: the wait before restart n doubles from {@code first} up to {@code max}. Deterministic, not the
 * project's jittered {@link io.d2iq.kubetunnel.register.Backoff}: it imitates the kubelet's restart delays, which
 * carry no jitter, for one local process at a time.
 */
record RestartBackoff(Duration first, Duration max) {

    /** A process that ran this long was healthy; its next crash starts the backoff over. */
    static final Duration HEALTHY_RUN = Duration.ofSeconds(10);

    Duration after(int restarts) {
        long millis = first.toMillis() << Math.min(Math.max(restarts - 1, 0), 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
