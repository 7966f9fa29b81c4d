package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubectl against one kubeconfig, with its own discovery cache. kubectl is {@code $KUBECTL},
 * else {@code /usr/bin/kubectl}, else the first on the PATH; a test that needs it FAILS when there is none.
 */
public final class Kubectl {

    /** Longest a single kubectl command may take before the test fails. */
    public static final long TIMEOUT_SECONDS = 60;

    /** The result of one finished kubectl command. */
    public record Result(int exitCode, String out, String err) {

        /** Asserts success and returns stdout. */
        public String ok() {
            if (exitCode != 0) {
                fail("kubectl exited %d: %s%s", exitCode, err, out);
            }
            return out;
        }
    }

    /** A kubectl still running ({@code get -w}, {@code wait}), its output going to files. */
    public record Running(Process process, Path logs) implements AutoCloseable {

        /** Standard output so far. */
        public String out() {
            return readLog(logs.resolve("out"));
        }

        /** Standard error so far. */
        public String err() {
            return readLog(logs.resolve("err"));
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private final Path kubeconfig;
    private final Path workDir;

    /** kubectl for {@code kubeconfig}; {@code workDir} holds its discovery cache and the output of started commands. */
    public Kubectl(Path kubeconfig, Path workDir) {
        this.kubeconfig = kubeconfig;
        this.workDir = workDir;
    }

    /** The kubectl binary; fails the calling test if none is installed. */
    public static Path binary() {
        String configured = System.getenv("KUBECTL");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return Path.of(configured);
        }
        if (Files.isExecutable(Path.of("/usr/bin/kubectl"))) {
            return Path.of("/usr/bin/kubectl");
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail(
                "kubectl is not installed (no $KUBECTL, /usr/bin/kubectl or kubectl on the PATH); .ci/run installs it");
    }

    /** Runs kubectl with the arguments and waits for it. */
    public Result run(String... args) {
        return runWithInput(null, args);
    }

    /** Runs kubectl with {@code stdin} as its standard input (for {@code -f -}) and waits for it. */
    public Result runWithInput(String stdin, String... args) {
        try (Running running = start(args)) {
            if (stdin != null) {
                running.process().getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            running.process().getOutputStream().close();
            if (!running.process().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("kubectl %s did not finish in %ds", String.join(" ", args), TIMEOUT_SECONDS);
            }
            return new Result(running.process().exitValue(), running.out(), running.err());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts kubectl without waiting; close the result to stop it. */
    public Running start(String... args) {
        List<String> command = new ArrayList<>(List.of(
                binary().toString(),
                "--kubeconfig",
                kubeconfig.toString(),
                "--cache-dir",
                workDir.resolve("cache").toString()));
        command.addAll(List.of(args));
        try {
            Path logs = Files.createTempDirectory(workDir, "kubectl-");
            Process process = new ProcessBuilder(command)
                    .redirectOutput(logs.resolve("out").toFile())
                    .redirectError(logs.resolve("err").toFile())
                    .start();
            return new Running(process, logs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
    }

    private static String readLog(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
