package io.d2iq.kubetunnel.local.runner;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one pod of a workload: at most one process at a time, its readiness, and why it exited. Confined to
 * the runner's loop thread; process exits are handed back to that thread.
 */
final class LocalPod {

    /** Told on the loop thread when the process ended. */
    interface ExitListener {
        /** @param requested whether the runner stopped it (scale down, template change, delete) */
        void exited(int exitCode, boolean requested, Duration ranFor);
    }

    private static final Logger LOG = LoggerFactory.getLogger(LocalPod.class);

    private final String workload;
    private final Executor loop;
    private final ExitListener listener;
    private RoleProcess process;
    private String templateHash;
    private Instant startedAt;
    private boolean stopRequested;
    private boolean ready;
    private boolean probing;

    LocalPod(String workload, Executor loop, ExitListener listener) {
        this.workload = workload;
        this.loop = loop;
        this.listener = listener;
    }

    void start(LaunchPlan plan, String templateHash) throws IOException {
        RoleProcess started = RoleProcess.start(plan);
        process = started;
        this.templateHash = templateHash;
        startedAt = Instant.now();
        stopRequested = false;
        ready = false;
        started.exit().thenAccept(code -> loop.execute(() -> exited(started, code)));
    }

    private void exited(RoleProcess ended, int code) {
        if (ended != process) {
            return;
        }
        Duration ranFor = Duration.between(startedAt, Instant.now());
        boolean requested = stopRequested;
        process = null;
        ready = false;
        stopRequested = false;
        if (!requested) {
            LOG.info(
                    "{} exited with code {} after {} ms (log {})",
                    workload,
                    code,
                    ranFor.toMillis(),
                    ended.plan().logFile());
        }
        listener.exited(code, requested, ranFor);
    }

    /** Asks the process to stop; the listener hears of it once it is gone. */
    void stop() {
        if (process != null && !stopRequested) {
            stopRequested = true;
            process.stop();
        }
    }

    /** Kills the process now (the runner is closing); the listener is not told. */
    void kill() {
        RoleProcess killed = process;
        process = null;
        if (killed != null) {
            killed.kill();
        }
    }

    /** A process exists (starting, running, or stopping). */
    boolean hasProcess() {
        return process != null;
    }

    boolean stopping() {
        return stopRequested;
    }

    String templateHash() {
        return templateHash;
    }

    boolean ready() {
        return ready;
    }

    /** Probes readiness unless a probe is in flight; {@code changed} runs on the loop when readiness flips. */
    void probe(ReadinessProber prober, Runnable changed) {
        RoleProcess probed = process;
        if (probed == null || stopRequested || probing) {
            return;
        }
        LaunchPlan plan = probed.plan();
        if (plan.readinessPort() == null) {
            setReady(probed, probed.alive(), changed);
            return;
        }
        probing = true;
        prober.probe(plan.readinessPort(), plan.readinessPath())
                .thenAccept(ok -> loop.execute(() -> {
                    probing = false;
                    setReady(probed, ok, changed);
                }));
    }

    private void setReady(RoleProcess probed, boolean ok, Runnable changed) {
        if (probed != process || stopRequested || ready == ok) {
            return;
        }
        ready = ok;
        LOG.info("{} is {}", workload, ok ? "ready" : "not ready");
        changed.run();
    }
}
