package io.d2iq.kubetunnel.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.agent.AgentSettings;
import io.d2iq.kubetunnel.tunnel.agent.AllowList;
import io.d2iq.kubetunnel.tunnel.agent.TunnelAgent;
import io.d2iq.kubetunnel.tunnel.support.RawHttp;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tunnel port over TLS: Camel routes for plain requests, the token check on WebSocket upgrades. */
class TunnelServerHttpIT {

    @TempDir
    static Path dir;

    static TunnelFixture tunnel;
    static SSLContext tls;

    @BeforeAll
    static void start() throws Exception {
        tunnel = new TunnelFixture(dir, true);
        tunnel.startServer();
        tls = RawHttp.trusting(tunnel.caFile());
    }

    @AfterEach
    void stopAgent() {
        tunnel.stopAgent();
        await().until(() -> !tunnel.server().agentConnected());
    }

    @AfterAll
    static void stop() {
        tunnel.close();
    }

    private static double sessionsOpened() {
        return tunnel.server()
                .meterRegistry()
                .get("kubetunnel.sessions.opened")
                .counter()
                .count();
    }

    private static String get(String path) throws Exception {
        return RawHttp.exchange(tls, tunnel.port(), RawHttp.get(path));
    }

    private static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void theTunnelPortServesOnlyStatusHealthAndMetricsAreOnTheManagementPort() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/metrics", "/nothing-here")) {
            assertThat(get(path)).as(path).startsWith("HTTP/1.1 404");
        }
    }

    @Test
    void statusSaysNoAgentWithNullsAndZeroBeforeOneConnects() throws Exception {
        String response = get("/status");
        assertThat(response).startsWith("HTTP/1.1 200").contains("application/json");
        assertThat(body(response))
                .isEqualTo(
                        "{\"agentConnected\":false,\"connectedSince\":null,\"remoteAddress\":null,\"agentVersion\":null,\"streamsOpen\":0}");
    }

    @Test
    void statusDescribesTheConnectedAgentAndItsOpenStreams() throws Exception {
        try (TestTarget echo = TestTarget.echo()) {
            tunnel.startAgent(List.of(echo.address()));
            tunnel.awaitConnected();
            try (Socket stream = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())) {
                JsonNode status = new ObjectMapper().readTree(body(get("/status")));
                assertThat(status.fieldNames())
                        .toIterable()
                        .containsExactly(
                                "agentConnected", "connectedSince", "remoteAddress", "agentVersion", "streamsOpen");
                assertThat(status.get("agentConnected").asBoolean()).isTrue();
                assertThat(Instant.parse(status.get("connectedSince").asText()))
                        .isBefore(Instant.now().plusSeconds(1));
                assertThat(status.get("remoteAddress").asText()).matches("127\\.0\\.0\\.1:\\d+");
                assertThat(status.get("agentVersion").asText()).isEqualTo("dev");
                assertThat(status.get("streamsOpen").asInt()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"", "Bearer garbage", "Bearer connector-token-b", "Basic Y29ubmVjdG9yLXRva2VuLWE=", "Bearer "})
    void anUpgradeWithoutThisConnectorsTokenIsRefusedWith401AndOpensNothing(String authorization) throws Exception {
        double openedBefore = sessionsOpened();
        String response = RawHttp.exchange(
                tls, tunnel.port(), RawHttp.upgrade("/tunnel", authorization.isEmpty() ? null : authorization));
        assertThat(response).startsWith("HTTP/1.1 401").contains("connector token");
        assertThat(tunnel.server().agentConnected()).isFalse();
        assertThat(sessionsOpened()).isEqualTo(openedBefore);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/tunnel", "/prefix/ns/connector/tunnel-server"})
    void anUpgradeWithTheTokenIsAcceptedOnAnyPath(String path) throws Exception {
        String response = RawHttp.exchange(tls, tunnel.port(), RawHttp.upgrade(path, "Bearer " + TunnelFixture.TOKEN));
        assertThat(response).startsWith("HTTP/1.1 101");
    }

    @Test
    void anAgentThatDoesNotTrustTheServersCertificateNeverConnects() throws Exception {
        io.netty.handler.ssl.util.SelfSignedCertificate other =
                new io.netty.handler.ssl.util.SelfSignedCertificate("localhost");
        try {
            TunnelAgent agent = new TunnelAgent(
                    new AgentSettings(
                            tunnel.serverUri("/"),
                            tunnel.write("token", TunnelFixture.TOKEN),
                            other.certificate().toPath(),
                            AllowList.parse(List.of()),
                            ProxyEnvironment.from(Map.of()),
                            TunnelFixture.FAST_KEEP_ALIVE,
                            Duration.ofMillis(200)),
                    new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            try (agent) {
                agent.start();
                await().during(Duration.ofSeconds(2))
                        .atMost(Duration.ofSeconds(3))
                        .until(() -> !tunnel.server().agentConnected() && agent.establishedSessions() == 0);
            }
        } finally {
            other.delete();
        }
    }

    @Test
    void anAgentThatDialsANameTheCertificateDoesNotCarryNeverConnects() throws Exception {
        // the server's certificate is for "localhost" and trusted; dialled as 127.0.0.1 it must still be refused
        URI byAddress = URI.create(tunnel.serverUri("/").toString().replace("localhost", "127.0.0.1"));
        TunnelAgent agent = new TunnelAgent(
                new AgentSettings(
                        byAddress,
                        tunnel.write("token", TunnelFixture.TOKEN),
                        tunnel.caFile(),
                        AllowList.parse(List.of()),
                        ProxyEnvironment.from(Map.of()),
                        TunnelFixture.FAST_KEEP_ALIVE,
                        Duration.ofMillis(200)),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        try (agent) {
            agent.start();
            await().during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(3))
                    .until(() -> !tunnel.server().agentConnected() && agent.establishedSessions() == 0);
        }
    }

    @Test
    void anAgentWithAnotherConnectorsTokenNeverConnects() throws Exception {
        TunnelAgent agent = tunnel.startAgent(
                List.of(), "connector-token-b", ProxyEnvironment.from(Map.of()), Duration.ofMillis(200));
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(3))
                .until(() -> !tunnel.server().agentConnected() && agent.establishedSessions() == 0);
    }
}
