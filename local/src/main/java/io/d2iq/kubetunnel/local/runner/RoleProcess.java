package io.d2iq.kubetunnel.local.runner;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod's container, running as a separate JVM: killing it is a real outage, and the OS reclaims its
 * ports and threads.
 */
final class RoleProcess {

    private static final Logger LOG = LoggerFactory.getLogger(RoleProcess.class);
    /** How long a stopped role gets for its shutdown hooks before it is killed, like a pod's grace period but shorter. */
    static final Duration GRACE = Duration.ofSeconds(3);

    private final LaunchPlan plan;
    private final Process process;
    private final CompletableFuture<Integer> exit;

    private RoleProcess(LaunchPlan plan, Process process) {
        this.plan = plan;
        this.process = process;
        this.exit = process.onExit().thenApply(Process::exitValue);
    }

    static RoleProcess start(LaunchPlan plan) throws IOException {
        Files.createDirectories(plan.logFile().getParent());
        ProcessBuilder builder = new ProcessBuilder(plan.command())
                .directory(plan.podDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(plan.logFile().toFile()))
                .redirectInput(Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(plan.environment());
        Process process = builder.start();
        LOG.info("started {} as pid {} (log {})", plan.workload(), process.pid(), plan.logFile());
        return new RoleProcess(plan, process);
    }

    LaunchPlan plan() {
        return plan;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Completes with the exit code when the process ends, however it ends. */
    CompletableFuture<Integer> exit() {
        return exit;
    }

    /** Asks the process to stop (SIGTERM), kills it after {@link #GRACE}; completes when it is gone. */
    CompletableFuture<Integer> stop() {
        if (process.isAlive()) {
            LOG.info("stopping {} (pid {})", plan.workload(), process.pid());
            process.destroy();
            exit.copy().orTimeout(GRACE.toMillis(), TimeUnit.MILLISECONDS).exceptionally(timeout -> {
                LOG.warn("{} (pid {}) did not stop within {}; killing it", plan.workload(), process.pid(), GRACE);
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                return null;
            });
        }
        return exit;
    }

    /** Kills the process at once and waits briefly for it to be gone (runner shutdown). */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
