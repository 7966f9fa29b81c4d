package io.d2iq.kubetunnel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.observe.ManagementClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kubeconfig-webhook role's management port over HTTP: ready while the Kubernetes API answers and the token is mounted. */
class KubeconfigWebhookManagementIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private WebhookFixture webhook;
    private ManagementClient management;

    @BeforeEach
    void start() throws Exception {
        webhook = WebhookFixture.startWithManagementPort();
        management = new ManagementClient(webhook.managementPort);
    }

    @AfterEach
    void stop() {
        webhook.close();
    }

    @Test
    void readinessNeedsTheKubernetesApiWhileLivenessDoesNot() {
        HttpResponse<String> ready = management.get("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body())
                .contains(
                        "{\"name\":\"kubernetes-api\",\"status\":\"UP\"}",
                        "{\"name\":\"connector-token\",\"status\":\"UP\"}",
                        "\"name\":\"route:registration-post\",\"status\":\"UP\"");

        webhook.api.destroy();

        management.awaitUnreadyWhileLiveWithoutKubernetesApi(WAIT);
    }

    @Test
    void readinessNeedsTheConnectorToken() throws Exception {
        Files.delete(webhook.eastTokenFile);

        HttpResponse<String> unready = management.get("/observe/health/ready");
        assertThat(unready.statusCode()).isEqualTo(503);
        assertThat(unready.body())
                .contains(
                        "{\"name\":\"connector-token\",\"status\":\"DOWN\"",
                        "{\"name\":\"kubernetes-api\",\"status\":\"UP\"}");
    }

    @Test
    void metricsCountTheWebhookRouteExchangesButNotRequestsRefusedBeforeTheRoute() throws Exception {
        assertThat(webhook.post("/", "Bearer wrong", "{}".getBytes(StandardCharsets.UTF_8))
                        .statusCode())
                .isEqualTo(401);
        assertThat(webhook.get("/status").statusCode()).isEqualTo(200);
        assertThat(webhook.get("/status").statusCode()).isEqualTo(200);

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(management.scrape())
                        .containsPattern("camel_exchanges_total\\{[^}]*routeId=\"status-get\"[^}]*} 2.0")
                        .doesNotContainPattern("camel_exchanges_total\\{[^}]*routeId=\"registration-post\"[^}]*} [1-9]")
                        .contains("camel_routes_running_routes"));
    }
}
