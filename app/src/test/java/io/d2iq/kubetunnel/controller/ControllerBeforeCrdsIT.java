package io.d2iq.kubetunnel.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.camel.CapturedLog;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A controller started before its CRDs are installed keeps running, says once which kind it waits for, and then works. */
class ControllerBeforeCrdsIT {

    private static final String NS = "default";

    @Test
    void waitsForTheCrdsAndReconcilesOnceTheyAreInstalled() throws Exception {
        CapturedLog log = CapturedLog.attach();
        try (LocalApi api = LocalApi.start(false);
                KubernetesClient client = api.newClient();
                ControllerApplication controller = new ControllerApplication(
                        client,
                        new ControllerOptions(
                                Path.of("routes"),
                                ControllerSettings.defaults(),
                                NS,
                                Duration.ofSeconds(60),
                                2,
                                0,
                                null,
                                false),
                        (namespace, service, port) -> URI.create("http://127.0.0.1:1"))) {
            controller.start();

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> log.count("waits for kind kubetunnel.d2iq.io/v1alpha1 TunnelConnector") == 1
                            && log.count("waits for kind kubetunnel.d2iq.io/v1alpha1 TunnelGateway") == 1);
            // one line per missing kind, not one per retry (a retry runs every 5 s)
            await().during(Duration.ofSeconds(6))
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> log.count("waits for kind kubetunnel.d2iq.io/v1alpha1 TunnelConnector") == 1);
            assertThat(controller
                            .camelContext()
                            .getRouteController()
                            .getRouteStatus("connector-watch")
                            .isStarted())
                    .isTrue();

            for (String crd : new String[] {"tunnelconnectors", "tunnelgateways"}) {
                client.load(Files.newInputStream(Path.of("deploy/crds/" + crd + ".kubetunnel.d2iq.io-v1.yml")))
                        .create();
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> log.count("found kind kubetunnel.d2iq.io/v1alpha1 TunnelConnector") == 1);
            client.resource(ConnectorFixtures.gatewayWithoutIngress(NS, "gw")).create();
            TunnelConnector connector = ConnectorFixtures.connector(NS, "c1", "gw", 1080);
            connector.getMetadata().setUid(null);
            client.resource(connector).create();

            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(client.resources(TunnelConnector.class)
                                    .inNamespace(NS)
                                    .withName("c1")
                                    .get()
                                    .getStatus()
                                    .getState())
                            .isEqualTo(TunnelConnectorState.Starting));
            assertThat(client.apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("c1-tunnel-server")
                            .get())
                    .isNotNull();
        } finally {
            log.detach();
        }
    }
}
