package io.d2iq.kubetunnel.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code kubectl} against one kubeconfig, as a user would. */
final class Kubectl {

    /** No single kubectl call of the demo should take longer than this. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);

    private final String executable;
    private final Path kubeconfig;

    Kubectl(String executable, Path kubeconfig) {
        this.executable = executable;
        this.kubeconfig = kubeconfig;
    }

    /** The kubeconfig file this kubectl uses. */
    Path kubeconfig() {
        return kubeconfig;
    }

    /** Fails with a one-line reason when kubectl cannot be run at all. */
    static void requireInstalled(String executable) {
        try {
            Process process = new ProcessBuilder(executable, "version", "--client")
                    .redirectErrorStream(true)
                    .start();
            process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new DemoStepFailed(
                        "'" + executable + " version --client' failed: install kubectl or pass --kubectl");
            }
        } catch (IOException e) {
            throw new DemoStepFailed(
                    "kubectl not found ('" + executable + "'): install kubectl or pass --kubectl PATH");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoStepFailed("interrupted");
        }
    }

    /** Runs {@code kubectl --kubeconfig F args...} and returns its standard output; a non-zero exit is a failed step. */
    String run(String... args) {
        List<String> command = new ArrayList<>(List.of(executable, "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new DemoStepFailed("kubectl " + String.join(" ", args) + " did not finish within "
                        + CALL_TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                throw new DemoStepFailed("kubectl " + String.join(" ", args) + " failed: "
                        + new String(err, StandardCharsets.UTF_8)
                                .strip()
                                .lines()
                                .findFirst()
                                .orElse("exit " + process.exitValue()));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DemoStepFailed("cannot run kubectl: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoStepFailed("interrupted");
        }
    }
}
