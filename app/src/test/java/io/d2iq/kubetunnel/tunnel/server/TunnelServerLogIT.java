package io.d2iq.kubetunnel.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.Main;
import io.d2iq.kubetunnel.tunnel.support.RawHttp;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tunnel-server role, run as its own JVM as in a pod, names its connector on every log line, Netty's threads included. */
class TunnelServerLogIT {

    private static final long LINE_TIMEOUT_SECONDS = 60;

    @TempDir
    Path dir;

    private Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyLineNamesTheConnectorGivenByNamespaceAndConnectorFlags() throws Exception {
        int port = TunnelFixture.freePort();
        Path token = Files.writeString(dir.resolve("token"), TunnelFixture.TOKEN);
        process = new ProcessBuilder(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "tunnel-server",
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--proxy-port",
                        Integer.toString(TunnelFixture.freePort()),
                        "--token-file",
                        token.toString(),
                        "--management-port",
                        "0",
                        "--namespace",
                        "ns1",
                        "--connector",
                        "c1"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Thread reader = new Thread(
                () -> readLines(
                        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))),
                "tunnel-server-stderr");
        reader.setDaemon(true);
        reader.start();

        String listening = awaitLine("proxy port (SOCKS5 and HTTP CONNECT) listening");
        RawHttp.exchange(null, port, RawHttp.upgrade("/ns1/c1/tunnel-server", "Bearer wrong-token"));
        String refused = awaitLine("refused tunnel upgrade");

        assertThat(listening).contains("logger=ProxyServer connector=ns1/c1 proxy port");
        assertThat(refused)
                .contains("logger=TunnelUpgradeHandler connector=ns1/c1 refused tunnel upgrade")
                .doesNotContain("wrong-token");
    }

    private void readLines(BufferedReader stderr) {
        try (stderr) {
            for (String line = stderr.readLine(); line != null; line = stderr.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("stderr closed: " + e);
        }
    }

    private String awaitLine(String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LINE_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.contains(text)) {
                return line;
            }
        }
        throw new AssertionError("no log line with '" + text + "' within " + LINE_TIMEOUT_SECONDS + " s");
    }
}
