package io.d2iq.kubetunnel.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.Main;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelRolesCliTest {

    @TempDir
    Path dir;

    @Test
    void theServerNeedsATokenFileAndMatchingTlsFlags() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        assertThat(Main.execute("tunnel-server")).isEqualTo(2);
        assertThat(Main.execute(
                        "tunnel-server", "--token-file", dir.resolve("missing").toString()))
                .isEqualTo(2);
        assertThat(Main.execute("tunnel-server", "--token-file", token.toString(), "--tls-cert", token.toString()))
                .isEqualTo(2);
        assertThat(Main.execute("tunnel-server", "--token-file", token.toString(), "--port", "70000"))
                .isEqualTo(2);
        assertThat(Main.execute("tunnel-server", "--token-file", token.toString(), "--management-port", "70000"))
                .isEqualTo(2);
        assertThat(Main.execute("tunnel-server", "--token-file", token.toString(), "--namespace", "ns1"))
                .isEqualTo(2);
    }

    @Test
    void theServerExitsWithAReasonWhenTheTlsFilesAreNotPem() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate");
        assertThat(Main.execute(
                        "tunnel-server",
                        "--token-file",
                        token.toString(),
                        "--tls-cert",
                        garbage.toString(),
                        "--tls-key",
                        garbage.toString(),
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        String.valueOf(TunnelFixture.freePort()),
                        "--proxy-port",
                        String.valueOf(TunnelFixture.freePort())))
                .isEqualTo(1);
    }

    @Test
    void theAgentRejectsBadUrlsBackoffsAndAllowEntries() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t");
        assertThat(Main.execute("agent", "--token-file", token.toString())).isEqualTo(2);
        assertThat(Main.execute("agent", "--server-url", "https://x", "--token-file", token.toString()))
                .isEqualTo(2);
        assertThat(Main.execute(
                        "agent", "--server-url", "wss://x", "--token-file", token.toString(), "--max-backoff", "PT0S"))
                .isEqualTo(2);
        assertThat(Main.execute(
                        "agent", "--server-url", "wss://x", "--token-file", token.toString(), "--allow", "no-port"))
                .isEqualTo(2);
        assertThat(Main.execute(
                        "agent",
                        "--server-url",
                        "wss://x",
                        "--token-file",
                        token.toString(),
                        "--ca-file",
                        token.toString()))
                .isEqualTo(2);
        assertThat(Main.execute(
                        "agent",
                        "--server-url",
                        "wss://x",
                        "--token-file",
                        token.toString(),
                        "--management-port",
                        "-1"))
                .isEqualTo(2);
    }
}
