package io.d2iq.kubetunnel.controller;

import static io.d2iq.kubetunnel.controller.ManagementPort.NS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health and Prometheus metrics of a running controller, scraped over HTTP from its management port. */
class ControllerManagementIT {

    private ManagementPort management;

    @BeforeEach
    void start() throws Exception {
        management = new ManagementPort(false);
    }

    @AfterEach
    void stop() {
        management.close();
    }

    @Test
    void readinessIncludesTheKubernetesApiAndFailsWhenTheApiIsGoneWhileLivenessStaysUp() {
        HttpResponse<String> ready = management.get("/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body())
                .contains("{\"name\":\"kubernetes-api\",\"status\":\"UP\"}", "\"name\":\"route:connector-reconcile\"");
        assertThat(management.get("/observe/health").statusCode()).isEqualTo(200);

        management.server.destroy();

        management.awaitUnreadyWhileLiveWithoutKubernetesApi(Duration.ofSeconds(30));
    }

    @Test
    void metricsCountConnectorsPerStateAndShowRouteAndReconcileMeters() {
        assertThat(management.get("/observe/metrics").body()).contains("kubetunnel_connectors{state=\"Failed\"} 0.0");

        TunnelConnector orphan = ConnectorFixtures.connector(NS, "orphan", "missing-gateway", 1080);
        orphan.getMetadata().setUid(null);
        management.client.resource(orphan).create();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(scrape())
                        .contains(
                                "kubetunnel_connectors{state=\"Failed\"} 1.0",
                                "kubetunnel_connectors{state=\"Starting\"} 0.0",
                                "kubetunnel_reconcile_duration_seconds_count")
                        .containsPattern("kubetunnel_connector_transitions_total\\{[^}]*state=\"Failed\"} 1.0")
                        .containsPattern(
                                "camel_exchanges_succeeded_total\\{[^}]*routeId=\"connector-reconcile\"} [1-9]"));

        management.client.resource(orphan).delete();

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(scrape()).contains("kubetunnel_connectors{state=\"Failed\"} 0.0"));
    }

    private String scrape() {
        HttpResponse<String> metrics = management.get("/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body();
    }
}
