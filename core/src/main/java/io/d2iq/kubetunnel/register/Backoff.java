package io.d2iq.kubetunnel.register;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter, the one of the project: the ceiling doubles from {@code initial} up to {@code max},
 * and each wait is drawn from [ceiling/2, ceiling] so many Jobs or agents do not retry in step. Stateless: the
 * caller counts its retries (register per run, the agent since its last established session).
 */
public record Backoff(Duration initial, Duration max) {

    /** The wait before retry number {@code retry} (0 for the first retry). */
    public Duration delay(int retry) {
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(retry, 20));
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }
}
