package io.d2iq.kubetunnel.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.auth.ConnectorTokenAuthenticator;
import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.observe.ManagementClient;
import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.agent.AgentSettings;
import io.d2iq.kubetunnel.tunnel.agent.AllowList;
import io.d2iq.kubetunnel.tunnel.agent.TunnelAgent;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tunnel-server role's management port over HTTP: ready once both its ports listen; server-side and route meters. */
class TunnelServerManagementIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TunnelServer server;
    private int port;
    private ManagementClient management;

    @BeforeEach
    void start() throws Exception {
        management = new ManagementClient(ManagementClient.freePort());
        port = TunnelFixture.freePort();
        server = new TunnelServer(
                new TunnelServerSettings(
                        "127.0.0.1", port, 0, null, null, TunnelFixture.FAST_KEEP_ALIVE, ConnectionLimits.DEFAULT),
                new ConnectorTokenAuthenticator(Files.writeString(dir.resolve("token"), TunnelFixture.TOKEN)),
                management.port());
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readyWithTheProxyPortAndTheHttpRoutesListeningLiveAsLongAsCamelRuns() {
        HttpResponse<String> ready = management.get("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body())
                .contains(
                        "{\"name\":\"proxy-port\",\"status\":\"UP\"}",
                        "\"name\":\"route:status-get\",\"status\":\"UP\"");
        assertThat(management.get("/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(management.get("/observe/health").body()).contains("\"status\":\"UP\"");

        server.close();
        server = null;

        await().atMost(WAIT).until(() -> {
            try {
                return management.get("/observe/health/ready").statusCode() != 200;
            } catch (UncheckedIOException refused) {
                return true;
            }
        });
    }

    @Test
    void metricsShowServerSideTunnelMetersAndRouteMeters() throws Exception {
        assertThat(management.scrape()).contains("kubetunnel_sessions{side=\"server\"} 0.0");

        try (TestTarget echo = TestTarget.echo();
                TunnelAgent agent = new TunnelAgent(
                        new AgentSettings(
                                URI.create("ws://localhost:" + port + "/ns1/c1/tunnel-server"),
                                Files.writeString(dir.resolve("agent-token"), TunnelFixture.TOKEN),
                                null,
                                AllowList.parse(List.of(echo.address())),
                                ProxyEnvironment.from(Map.of()),
                                TunnelFixture.FAST_KEEP_ALIVE,
                                Duration.ofMillis(500)),
                        new SimpleMeterRegistry())) {
            agent.start();
            await().atMost(WAIT).until(server::agentConnected);
            try (Socket stream = Socks5Client.connect(server.proxyAddress(), "127.0.0.1", echo.port())) {
                stream.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                stream.shutdownOutput();
                assertThat(stream.getInputStream().readAllBytes()).hasSize(4);
            }

            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(management.scrape())
                            .contains(
                                    "kubetunnel_sessions{side=\"server\"} 1.0",
                                    "kubetunnel_sessions_opened_total{side=\"server\"} 1.0",
                                    "kubetunnel_streams_opened_total{side=\"server\"} 1.0",
                                    "kubetunnel_streams_active{side=\"server\"} 0.0",
                                    "kubetunnel_dial_duration_seconds_count{side=\"server\"} 1")
                            .containsPattern("kubetunnel_bytes_total\\{direction=\"sent\",side=\"server\"} [1-9]")
                            .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"status-get\"[^}]*} 0.0"));
        }
    }
}
