package io.d2iq.kubetunnel.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.support.ConnectProxy;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent reaches the tunnel server (TLS) only through an HTTP CONNECT proxy named by HTTPS_PROXY. */
class AgentProxyIT {

    @TempDir
    Path dir;

    TunnelFixture tunnel;
    TestTarget echo;

    @BeforeEach
    void start() throws Exception {
        echo = TestTarget.echo();
        tunnel = new TunnelFixture(dir, true);
        tunnel.startServer();
    }

    @AfterEach
    void stop() {
        tunnel.close();
        echo.close();
    }

    private void assertEchoWorks() throws Exception {
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())) {
            socket.getOutputStream().write("via proxy".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("via proxy");
        }
    }

    @Test
    void theAgentTunnelsThroughAnUnauthenticatedProxy() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy(null, null)) {
            tunnel.startAgent(
                    List.of(echo.address()),
                    TunnelFixture.TOKEN,
                    ProxyEnvironment.from(Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port())),
                    Duration.ofMillis(500));
            tunnel.awaitConnected();
            assertThat(proxy.tunnelled()).isEqualTo(1);
            assertEchoWorks();
        }
    }

    @Test
    void theAgentSendsBasicAuthFromTheProxyUrl() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy("corp user", "p@ss:word")) {
            tunnel.startAgent(
                    List.of(echo.address()),
                    TunnelFixture.TOKEN,
                    ProxyEnvironment.from(
                            Map.of("https_proxy", "http://corp%20user:p%40ss%3Aword@127.0.0.1:" + proxy.port())),
                    Duration.ofMillis(500));
            tunnel.awaitConnected();
            assertThat(proxy.tunnelled()).isEqualTo(1);
            assertThat(proxy.refused()).isZero();
            assertEchoWorks();
        }
    }

    @Test
    void wrongProxyCredentialsKeepTheAgentOutAndRetrying() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy("corp", "right")) {
            tunnel.startAgent(
                    List.of(echo.address()),
                    TunnelFixture.TOKEN,
                    ProxyEnvironment.from(Map.of("HTTPS_PROXY", "http://corp:wrong@127.0.0.1:" + proxy.port())),
                    Duration.ofMillis(200));
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.refused() >= 2);
            assertThat(tunnel.server().agentConnected()).isFalse();
        }
    }

    @Test
    void noProxyLetsTheAgentConnectDirectly() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy(null, null)) {
            tunnel.startAgent(
                    List.of(echo.address()),
                    TunnelFixture.TOKEN,
                    ProxyEnvironment.from(Map.of(
                            "HTTPS_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "example.com,localhost")),
                    Duration.ofMillis(500));
            tunnel.awaitConnected();
            assertThat(proxy.tunnelled()).isZero();
        }
    }
}
