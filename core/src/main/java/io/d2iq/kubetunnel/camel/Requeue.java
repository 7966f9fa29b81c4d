package io.d2iq.kubetunnel.camel;

import java.time.Duration;

/**
 * A work-queue run's result that asks to run its key again later. The work queue reads it from the exchange's
 * body when the route ends, so the request travels with the result and no route step can drop it. Free of Camel
 * types, so {@code reconcile/} implements it without knowing Camel.
 */
public interface Requeue {

    /** When to run the key again without an event; null, zero or negative means not. */
    Duration requeueAfter();
}
