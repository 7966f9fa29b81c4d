package io.d2iq.kubetunnel.local.runner;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to start one pod's container as a process.
 *
 * @param workload      {@code namespace/kind/name}, for logs
 * @param command       the full command line
 * @param environment   the process environment (nothing is inherited beyond it)
 * @param podDir        working directory, holding the mounted files
 * @param logFile       where stdout and stderr go (appended across restarts)
 * @param readinessPort loopback port of the readiness probe, or null when the container has no HTTP probe
 * @param readinessPath its path
 */
record LaunchPlan(
        String workload,
        List<String> command,
        Map<String, String> environment,
        Path podDir,
        Path logFile,
        Integer readinessPort,
        String readinessPath) {}
