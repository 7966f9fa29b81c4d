package io.d2iq.kubetunnel.camel;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A keyed work queue with client-go's guarantees: a key waits in the queue at most once (bursts coalesce), a key
 * is handed to one worker at a time, and a key added while in flight runs once more after {@link #done}.
 * Delayed keys wait in a due-time map that the workers poll, so the queue needs no timer thread of its own.
 */
final class WorkQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Queue<String> ready = new ArrayDeque<>();
    /** Keys that need a run: queued, or added again while in flight. */
    private final Set<String> dirty = new HashSet<>();

    private final Set<String> processing = new HashSet<>();
    /** Delayed keys and the System.nanoTime at which they become ready. */
    private final Map<String, Long> delayed = new HashMap<>();

    private final LongSupplier nanoClock;

    WorkQueue() {
        this(System::nanoTime);
    }

    WorkQueue(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Asks for one more run of the key; a no-op when it is already waiting to run. */
    void add(String key) {
        lock.lock();
        try {
            addLocked(key);
        } finally {
            lock.unlock();
        }
    }

    /** Adds the key once the delay has passed; of several pending delays for one key the earliest wins. */
    void addAfter(String key, long delayMillis) {
        if (delayMillis <= 0) {
            add(key);
            return;
        }
        lock.lock();
        try {
            delayed.merge(key, nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(delayMillis), Math::min);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for a key and marks it in flight; the caller must call {@link #done} with it. Returns null as soon as
     * {@code keepWaiting} turns false and {@link #wakeUpWaiters} was called.
     */
    String take(BooleanSupplier keepWaiting) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                long nextDue = promoteDueKeys();
                String key = ready.poll();
                if (key != null) {
                    dirty.remove(key);
                    processing.add(key);
                    return key;
                }
                if (!keepWaiting.getAsBoolean()) {
                    return null;
                }
                if (nextDue == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(nextDue - nanoClock.getAsLong());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Ends the run of a key; queues it again when it was added meanwhile. */
    void done(String key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key)) {
                ready.add(key);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lets waiting workers re-check their {@code keepWaiting} condition (used when a consumer stops). */
    void wakeUpWaiters() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Keys handed to a worker and not yet {@link #done}. */
    List<String> inFlight() {
        lock.lock();
        try {
            return processing.stream().sorted().toList();
        } finally {
            lock.unlock();
        }
    }

    /** Keys ready to run now. */
    int depth() {
        lock.lock();
        try {
            return ready.size();
        } finally {
            lock.unlock();
        }
    }

    /** Keys waiting for a delay (backoff or requeue-after) to pass. */
    int delayedCount() {
        lock.lock();
        try {
            return delayed.size();
        } finally {
            lock.unlock();
        }
    }

    private void addLocked(String key) {
        if (dirty.add(key) && !processing.contains(key)) {
            ready.add(key);
            changed.signal();
        }
    }

    /** Moves due keys to the ready queue; returns the due time of the next delayed key, or Long.MAX_VALUE. */
    private long promoteDueKeys() {
        if (delayed.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long now = nanoClock.getAsLong();
        long nextDue = Long.MAX_VALUE;
        var entries = delayed.entrySet().iterator();
        while (entries.hasNext()) {
            var entry = entries.next();
            if (entry.getValue() - now <= 0) {
                entries.remove();
                addLocked(entry.getKey());
            } else if (entry.getValue() < nextDue) {
                nextDue = entry.getValue();
            }
        }
        return nextDue;
    }
}
