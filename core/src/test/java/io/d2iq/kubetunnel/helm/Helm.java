package io.d2iq.kubetunnel.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The helm CLI the chart tests run: {@code $KUBETUNNEL_HELM} when set, else what {@code tools/helm/build.sh} prints
 * (it builds helm from the Go module proxy on a cold machine and answers at once once built). Nothing here skips: a
 * machine without helm fails the chart tests with the script's message. Helm's cache, config and data stay under
 * {@code home}, never in the user's.
 */
public final class Helm {

    public static final Path CHART = Path.of("deploy/helm/kubetunnel");
    private static final long BUILD_TIMEOUT_MINUTES = 30;
    private static final long RUN_TIMEOUT_SECONDS = 120;
    private static Path binary;

    /** What one helm run printed and returned. */
    public record Result(int exitCode, String out, String err) {
        /** stdout, or an AssertionError with both streams when helm failed. */
        public String ok() {
            if (exitCode != 0) {
                throw new AssertionError("helm exited " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err);
            }
            return out;
        }
    }

    private final Path home;

    public Helm(Path home) {
        this.home = home;
    }

    public static synchronized Path binary() throws IOException {
        if (binary == null) {
            String configured = System.getenv("KUBETUNNEL_HELM");
            binary = configured != null && !configured.isBlank() ? Path.of(configured) : build();
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: run tools/helm/build.sh");
            }
        }
        return binary;
    }

    public Result run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
        builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
        builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
        builder.environment().remove("KUBECONFIG");
        Path out = Files.createTempFile(home, "helm", ".out");
        Path err = Files.createTempFile(home, "helm", ".err");
        Process process =
                builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(
                        "helm " + String.join(" ", args) + " did not finish in " + RUN_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running helm", e);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static Path build() throws IOException {
        Path log = Files.createTempFile("helm-build", ".log");
        Process build = new ProcessBuilder("tools/helm/build.sh")
                .redirectError(log.toFile())
                .start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!build.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES) || build.exitValue() != 0) {
                throw new IllegalStateException("tools/helm/build.sh failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building helm", e);
        }
        String[] lines = out.split("\n");
        return Path.of(lines[lines.length - 1].trim());
    }
}
