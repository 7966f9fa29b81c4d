package io.d2iq.kubetunnel.local.runner;

import java.time.Duration;

/** CrashLoopBackOff: the wait before restart n doubles from {@code first} up to {@code max}. */
record RestartBackoff(Duration first, Duration max) {

    /** A process that ran this long was healthy; its next crash starts the backoff over. */
    static final Duration HEALTHY_RUN = Duration.ofSeconds(10);

    Duration after(int restarts) {
        long millis = first.toMillis() << Math.min(Math.max(restarts - 1, 0), 20);
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
