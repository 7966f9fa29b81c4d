package io.d2iq.kubetunnel.camel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

    private final AtomicLong nanos = new AtomicLong();
    private final WorkQueue queue = new WorkQueue(nanos::get);

    @Test
    void aKeyAddedManyTimesWaitsOnce() throws Exception {
        for (int i = 0; i < 100; i++) {
            queue.add("ns/a");
        }
        queue.add("ns/b");

        assertThat(queue.depth()).isEqualTo(2);
        assertThat(queue.take(() -> false)).isEqualTo("ns/a");
        assertThat(queue.take(() -> false)).isEqualTo("ns/b");
        assertThat(queue.take(() -> false)).isNull();
    }

    @Test
    void aKeyInFlightIsNotHandedOutAgainUntilDoneAndThenRunsOnceMore() throws Exception {
        queue.add("ns/a");
        String inFlight = queue.take(() -> false);
        queue.add("ns/a");
        queue.add("ns/a");

        assertThat(queue.take(() -> false))
                .as("a key in flight is not given to a second worker")
                .isNull();
        queue.done(inFlight);
        assertThat(queue.take(() -> false)).isEqualTo("ns/a");
        queue.done("ns/a");
        assertThat(queue.take(() -> false)).isNull();
    }

    @Test
    void aDelayedKeyBecomesReadyOnlyWhenItsDelayHasPassed() throws Exception {
        queue.addAfter("ns/a", 1_000);
        assertThat(queue.take(() -> false)).isNull();
        assertThat(queue.delayedCount()).isEqualTo(1);

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(999));
        assertThat(queue.take(() -> false)).isNull();
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(queue.take(() -> false)).isEqualTo("ns/a");
        assertThat(queue.delayedCount()).isZero();
    }

    @Test
    void ofTwoDelaysForOneKeyTheEarlierWins() throws Exception {
        queue.addAfter("ns/a", 5_000);
        queue.addAfter("ns/a", 100);
        queue.addAfter("ns/a", 9_000);

        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(queue.take(() -> false)).isEqualTo("ns/a");
        assertThat(queue.delayedCount()).isZero();
    }

    @Test
    void aWaitingTakeReturnsNullOnceWokenWithoutWork() throws Exception {
        WorkQueue realTime = new WorkQueue();
        AtomicBoolean keepWaiting = new AtomicBoolean(true);
        CompletableFuture<String> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return realTime.take(keepWaiting::get);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        keepWaiting.set(false);
        realTime.wakeUpWaiters();

        assertThat(taken.get(5, TimeUnit.SECONDS)).isNull();
    }
}
