package io.d2iq.kubetunnel.camel;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-key capped exponential backoff: initial, 2x, 4x ... up to max; a success forgets the key.
 *
 * <p>Deterministic on purpose, unlike the project's jittered {@link io.d2iq.kubetunnel.register.Backoff}: that one
 * spreads many agents or register Jobs that fail together against one server; here one process retries its own
 * keys, which already fail at their own times, and the delays stay exactly the route's {@code initialBackoff} and
 * {@code maxBackoff} (as client-go's per-item exponential rate limiter does). It also counts the failures per key,
 * which {@code Backoff} leaves to its caller.
 */
final class KeyBackoff {

    private final long initialMillis;
    private final long maxMillis;
    private final ConcurrentMap<String, Integer> failures = new ConcurrentHashMap<>();

    KeyBackoff(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff, got initialBackoff="
                    + initialMillis + " maxBackoff=" + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
    }

    /** Records one more failure of the key and returns how long to wait before its next run. */
    long nextDelay(String key) {
        int attempt = failures.merge(key, 1, Integer::sum);
        long delay = initialMillis;
        for (int i = 1; i < attempt && delay < maxMillis; i++) {
            delay = delay > maxMillis / 2 ? maxMillis : delay * 2;
        }
        return Math.min(delay, maxMillis);
    }

    /** Failures recorded for the key since its last success. */
    int failures(String key) {
        return failures.getOrDefault(key, 0);
    }

    void forget(String key) {
        failures.remove(key);
    }
}
