package io.d2iq.kubetunnel.laptop;

import io.d2iq.kubetunnel.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code kubeconfig} role as its own JVM, as a user runs it; stdout and stderr kept apart, in files under {@code dir}. */
public final class KubeconfigRole implements AutoCloseable {

    private static int started;
    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private KubeconfigRole(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts {@code kubetunnel kubeconfig ARGS...}. */
    public static synchronized KubeconfigRole start(Path dir, String... args) throws IOException {
        int n = ++started;
        Path out = dir.resolve("kubeconfig-role-" + n + ".out");
        Path err = dir.resolve("kubeconfig-role-" + n + ".err");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "kubeconfig"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new KubeconfigRole(process, out, err);
    }

    /** Waits for the exit code (at most a minute). */
    public int exitCode() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("kubetunnel kubeconfig did not exit; stderr: " + safeStderr());
        }
        return process.exitValue();
    }

    public String stdout() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    public String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    private String safeStderr() {
        try {
            return stderr();
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, as Ctrl-C's sibling; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        return exitCode();
    }

    /** SIGINT, as Ctrl-C sends it; returns the exit code. */
    public int interrupt() throws Exception {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -INT failed");
        }
        return exitCode();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
