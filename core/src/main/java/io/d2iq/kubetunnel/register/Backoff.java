package io.d2iq.kubetunnel.register;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: about 1 s, 2 s, 4 s ... capped at a maximum, so many Jobs do not retry in step. */
public record Backoff(Duration initial, Duration max) {

    /** The wait before retry number {@code retry} (0 for the first retry). */
    public Duration delay(int retry) {
        long ceiling = Math.min(max.toMillis(), initial.toMillis() << Math.min(retry, 20));
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }
}
