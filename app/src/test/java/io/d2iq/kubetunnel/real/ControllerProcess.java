package io.d2iq.kubetunnel.real;

import io.d2iq.kubetunnel.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code controller} role as a process of its own, as in its pod, logging to a file the test reads. */
final class ControllerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ControllerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code controller --kubeconfig KUBECONFIG} plus {@code extraFlags}, in namespace {@code podNamespace} as the
     * Deployment's downward API says, with host name {@code podName}.
     */
    static ControllerProcess start(
            Path kubeconfig, String podNamespace, String podName, Path log, List<String> extraFlags)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "controller",
                "--kubeconfig",
                kubeconfig.toString(),
                "--routes",
                "routes",
                "--management-port",
                "0"));
        command.addAll(extraFlags);
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("HOSTNAME", podName);
        if (podNamespace != null) {
            builder.environment().put("POD_NAMESPACE", podNamespace);
        }
        return new ControllerProcess(builder.start(), log);
    }

    List<String> lines() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    boolean logged(String fragment) throws IOException {
        return lines().stream().anyMatch(line -> line.contains(fragment));
    }

    /** SIGKILL: a crashed leader that releases nothing. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(25, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
