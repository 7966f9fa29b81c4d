package io.d2iq.kubetunnel.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.observe.ManagementClient;
import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent role's management port over HTTP: readiness follows the tunnel, metrics show the agent's meters. */
class AgentManagementIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private TunnelFixture tunnel;
    private TestTarget echo;
    private AgentApplication agent;
    private ManagementClient management;
    private boolean serverStopped;

    @BeforeEach
    void startAgentWithoutServer() throws Exception {
        echo = TestTarget.echo();
        tunnel = new TunnelFixture(dir, false);
        management = new ManagementClient(ManagementClient.freePort());
        agent = new AgentApplication(
                new AgentSettings(
                        tunnel.serverUri("/ns1/c1/tunnel-server"),
                        tunnel.write("agent-token", TunnelFixture.TOKEN),
                        null,
                        AllowList.parse(List.of(echo.address())),
                        ProxyEnvironment.from(Map.of()),
                        TunnelFixture.FAST_KEEP_ALIVE,
                        Duration.ofMillis(500)),
                management.port());
        agent.start();
    }

    @AfterEach
    void stop() {
        agent.close();
        if (!serverStopped) {
            tunnel.stopServer();
            serverStopped = true;
        }
        echo.close();
    }

    @Test
    void readinessIsDownWithoutATunnelUpWithOneAndDownAgainWhenTheServerGoesWhileLivenessStaysUp() throws Exception {
        HttpResponse<String> unready = management.get("/observe/health/ready");
        assertThat(unready.statusCode()).isEqualTo(503);
        assertThat(unready.body()).contains("{\"name\":\"tunnel\",\"status\":\"DOWN\"", "no tunnel session to ws:");
        assertThat(management.get("/observe/health/live").statusCode()).isEqualTo(200);

        tunnel.startServer();

        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> ready = management.get("/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("{\"name\":\"tunnel\",\"status\":\"UP\"}");
        });

        tunnel.stopServer();
        serverStopped = true;

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(management.get("/observe/health/ready").statusCode()).isEqualTo(503);
            assertThat(management.get("/observe/health/live").statusCode()).isEqualTo(200);
        });
    }

    @Test
    void metricsShowTheAgentSideTunnelMeters() throws Exception {
        assertThat(management.scrape()).contains("kubetunnel_sessions{side=\"agent\"} 0.0");

        tunnel.startServer();

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(management.scrape())
                        .contains(
                                "kubetunnel_sessions{side=\"agent\"} 1.0",
                                "kubetunnel_sessions_opened_total{side=\"agent\"} 1.0",
                                "kubetunnel_streams_active{side=\"agent\"} 0.0",
                                "kubetunnel_bytes_total{direction=\"received\",side=\"agent\"}",
                                "kubetunnel_dial_duration_seconds_count{side=\"agent\"} 0"));
    }
}
