package io.d2iq.kubetunnel.local.runner;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread on which every controller of the runner decides, so their state needs no locks. A task
 * that throws is logged and the loop (and any periodic task) goes on; tasks handed in after close are dropped.
 */
final class RunnerLoop implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunnerLoop.class);

    private final ScheduledExecutorService executor;

    RunnerLoop() {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "local-runner");
            thread.setDaemon(true);
            return thread;
        });
        pool.setRemoveOnCancelPolicy(true);
        executor = pool;
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException closed) {
            // the runner is closing
        }
    }

    void after(Duration delay, Runnable task) {
        try {
            executor.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // the runner is closing
        }
    }

    void every(Duration interval, Runnable task) {
        executor.scheduleWithFixedDelay(guarded(task), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("local runner task failed", e);
            }
        };
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
