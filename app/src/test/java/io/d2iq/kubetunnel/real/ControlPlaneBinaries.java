package io.d2iq.kubetunnel.real;

import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the real control plane's binaries are: {@code $KUBETUNNEL_CONTROL_PLANE_DIR} when set, else what
 * {@code tools/control-plane/build.sh} prints (it builds them on a cold machine and answers at once once built).
 * Nothing here skips: a machine that cannot build them fails the real tier with the script's message.
 */
public final class ControlPlaneBinaries {

    private static final List<String> REQUIRED =
            List.of("etcd", "kube-apiserver", "kube-controller-manager", "kubectl");
    private static final long BUILD_TIMEOUT_MINUTES = 40;
    private static Path directory;

    private ControlPlaneBinaries() {}

    public static synchronized Path directory() throws IOException {
        if (directory == null) {
            String configured = System.getenv("KUBETUNNEL_CONTROL_PLANE_DIR");
            directory = configured != null && !configured.isBlank() ? Path.of(configured) : build();
            for (String binary : REQUIRED) {
                if (!Files.isExecutable(directory.resolve(binary))) {
                    throw new IllegalStateException(
                            directory.resolve(binary) + " is missing: run tools/control-plane/build.sh");
                }
            }
        }
        return directory;
    }

    /** Starts a control plane from these binaries; see {@link ControlPlane#start(String, Path, Path)}. */
    public static ControlPlane start(String name, Path dir) throws IOException {
        return ControlPlane.start(name, dir, directory());
    }

    /** kubectl of the same version as the API server. */
    public static Path kubectl() throws IOException {
        return directory().resolve("kubectl");
    }

    private static Path build() throws IOException {
        Path log = Files.createTempFile("control-plane-build", ".log");
        Process build = new ProcessBuilder("tools/control-plane/build.sh")
                .redirectError(log.toFile())
                .start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!build.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES) || build.exitValue() != 0) {
                throw new IllegalStateException("tools/control-plane/build.sh failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the control plane", e);
        }
        String[] lines = out.split("\n");
        return Path.of(lines[lines.length - 1].trim());
    }
}
