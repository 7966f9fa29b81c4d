package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.Main;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code local-api} role as a user runs it. */
class LocalApiCommandIT {

    @Test
    void roleServesKubectlOverTlsUntilStopped(@TempDir Path dir) throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Path out = dir.resolve("out");
        Process role = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "local-api",
                        "--port",
                        "0",
                        "--tls",
                        "--kubeconfig-out",
                        kubeconfig.toString())
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            await().atMost(Duration.ofSeconds(Kubectl.TIMEOUT_SECONDS))
                    .until(() -> Files.readString(out).contains("listening on"));
            String url = Files.readString(out).replaceAll("(?s).*listening on (https://127\\.0\\.0\\.1:\\d+).*", "$1");
            assertThat(Files.readString(kubeconfig))
                    .contains("server: \"" + url + "\"", "certificate-authority-data: ");

            Kubectl kubectl = new Kubectl(kubeconfig, dir);
            assertThat(kubectl.run("get", "namespaces").err()).contains("No resources found");

            role.destroy();
            assertThat(role.waitFor(Kubectl.TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
            int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
            assertThat(isListening(port)).isFalse();
        } finally {
            role.destroyForcibly();
        }
    }

    @Test
    void portInUseFailsWithExitCodeOne(@TempDir Path dir) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int exit = Main.execute(
                    "local-api",
                    "--port",
                    Integer.toString(taken.getLocalPort()),
                    "--kubeconfig-out",
                    dir.resolve("kubeconfig").toString());

            assertThat(exit).isEqualTo(LocalApiCommand.EXIT_START_FAILED);
            assertThat(dir.resolve("kubeconfig")).doesNotExist();
        }
    }

    @Test
    void unwritableKubeconfigFailsWithExitCodeOneAndFreesThePort(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }

        int exit = Main.execute(
                "local-api",
                "--port",
                Integer.toString(port),
                "--kubeconfig-out",
                notADirectory.resolve("kubeconfig").toString());

        assertThat(exit).isEqualTo(LocalApiCommand.EXIT_START_FAILED);
        assertThat(isListening(port)).isFalse();
    }

    @Test
    void missingKubeconfigOutIsAUsageError() {
        assertThat(Main.execute("local-api", "--port", "0")).isEqualTo(2);
    }

    private static boolean isListening(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
