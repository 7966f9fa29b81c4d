package io.d2iq.kubetunnel.real;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where kwok is: {@code $KUBETUNNEL_KWOK} when set, else what {@code tools/kwok/build.sh} prints (it builds kwok on
 * a cold machine and answers at once once built). Nothing here skips: a machine that cannot build it fails.
 */
public final class KwokBinary {

    private static final long BUILD_TIMEOUT_MINUTES = 30;
    private static Path binary;

    private KwokBinary() {}

    public static synchronized Path path() throws IOException {
        if (binary == null) {
            String configured = System.getenv("KUBETUNNEL_KWOK");
            binary = configured != null && !configured.isBlank() ? Path.of(configured) : build();
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: run tools/kwok/build.sh");
            }
        }
        return binary;
    }

    private static Path build() throws IOException {
        Path log = Files.createTempFile("kwok-build", ".log");
        Process build = new ProcessBuilder("tools/kwok/build.sh")
                .redirectError(log.toFile())
                .start();
        String out = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!build.waitFor(BUILD_TIMEOUT_MINUTES, TimeUnit.MINUTES) || build.exitValue() != 0) {
                throw new IllegalStateException("tools/kwok/build.sh failed: " + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building kwok", e);
        }
        String[] lines = out.split("\n");
        return Path.of(lines[lines.length - 1].trim());
    }
}
