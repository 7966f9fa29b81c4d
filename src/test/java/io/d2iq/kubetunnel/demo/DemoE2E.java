package io.d2iq.kubetunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system on the local runner, as {@code kubetunnel demo} runs it: two embedded APIs, the
 * controller, tunnel server, webhook, agent and register as real processes, and real kubectl through
 * the exported kubeconfig.
 */
class DemoE2E {

    @TempDir
    Path out;

    @Test
    void theDemoConnectsARemoteClusterAndKubectlReachesItThroughTheTunnel() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit;
        try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            exit = Main.execute("demo", "--out", out.toString(), "--timeout-seconds", "240");
        } finally {
            System.setOut(original);
        }
        String output = printed.toString(StandardCharsets.UTF_8);
        System.out.println(output);

        assertThat(exit).isZero();
        assertThat(output).contains("get namespaces", "kubetunnel", "Connected");
        assertThat(output.indexOf("Listening")).isLessThan(output.indexOf("Pending")).isPositive();
        assertThat(output.indexOf("Pending")).isLessThan(output.lastIndexOf("Connected"));
        // checked as a boolean so a failure never prints the kubeconfig's token
        assertThat(Files.readString(out.resolve("tunnel.kubeconfig")).contains("proxy-url: \"socks5://127.0.0.1:"))
                .as("tunnel.kubeconfig's proxy-url points at the loopback proxy port").isTrue();
        assertThat(out.resolve("management.kubeconfig")).exists();
        assertThat(out.resolve("remote.kubeconfig")).exists();
    }
}
