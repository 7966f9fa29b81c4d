package io.d2iq.kubetunnel.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.reconcile.ServiceAddressResolver;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerIT {

    private static final String NS = "default";
    private static final ServiceAddressResolver NOWHERE =
            (namespace, service, port) -> URI.create("http://127.0.0.1:1");

    private LocalApi api;
    private KubernetesClient client;

    @BeforeEach
    void startApi() throws IOException {
        api = LocalApi.start(false);
        client = api.newClient();
        for (String crd : new String[] {"tunnelconnectors", "tunnelgateways"}) {
            client.load(Files.newInputStream(Path.of("deploy/crds/" + crd + ".kubetunnel.d2iq.io-v1.yml")))
                    .create();
        }
    }

    @AfterEach
    void stopApi() {
        client.close();
        api.close();
    }

    private ControllerApplication controller(ControllerOptions.LeaderElection election) {
        return controller(Path.of("routes"), election);
    }

    private ControllerApplication controller(Path routes, ControllerOptions.LeaderElection election) {
        ControllerOptions options = new ControllerOptions(
                routes, ControllerSettings.defaults(), "", Duration.ofSeconds(60), 2, 0, election, false);
        return new ControllerApplication(client, options, NOWHERE);
    }

    private TunnelConnector connector(String name) {
        return client.resources(TunnelConnector.class)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    @Test
    void theShippedRoutesReconcileConnectorsFromWatchEvents() throws Exception {
        try (ControllerApplication controller = controller(null)) {
            controller.start();
            assertThat(controller.camelContext().getRoutes())
                    .extracting(r -> r.getRouteId())
                    .contains(
                            "connector-watch",
                            "gateway-watch",
                            "child-changed",
                            "connector-reconcile",
                            "connector-state-changed");

            TunnelConnector c1 = ConnectorFixtures.connector(NS, "c1", "gw", 1080);
            c1.getMetadata().setUid(null);
            client.resource(c1).create();
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(connector("c1")
                                    .getStatus()
                                    .getConditions()
                                    .get(0)
                                    .getReason())
                            .isEqualTo("GatewayNotFound"));

            client.resource(ConnectorFixtures.gatewayWithoutIngress(NS, "gw")).create();
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(connector("c1").getStatus().getState())
                            .isEqualTo(TunnelConnectorState.Starting));
            assertThat(client.apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName("c1-tunnel-server")
                            .get())
                    .isNotNull();

            client.services().inNamespace(NS).withName("c1-tunnel-server").delete();
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(client.services()
                                    .inNamespace(NS)
                                    .withName("c1-tunnel-server")
                                    .get())
                            .isNotNull());
        }
    }

    @Test
    void aRouteEditedInTheRoutesDirectoryTakesEffectWithoutRebuilding(@TempDir Path routes) throws Exception {
        String shipped = Files.readString(Path.of("routes/controller.camel.yaml"));
        Path transitions = routes.resolve("transitions");
        String counterStep =
                "        - toD: micrometer:counter:kubetunnel.connector.transitions?tags.state=${body.stateName}\n";
        String withFileStep = shipped.replace(
                counterStep,
                counterStep
                        + "        - setBody:\n"
                        + "            simple: \"${body.namespace}/${body.name} ${body.stateName}\"\n"
                        + "        - to: \"file:" + transitions.toAbsolutePath() + "?fileName=${exchangeId}.txt\"\n");
        assertThat(withFileStep).isNotEqualTo(shipped);
        Files.writeString(routes.resolve("controller.camel.yaml"), withFileStep);

        try (ControllerApplication controller = controller(routes, null)) {
            controller.start();
            TunnelConnector c1 = ConnectorFixtures.connector(NS, "c1", "missing", 1080);
            c1.getMetadata().setUid(null);
            client.resource(c1).create();

            await().ignoreExceptions().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (Stream<Path> files = Files.list(transitions)) {
                    assertThat(files.map(ControllerIT::read)).contains("default/c1 Failed");
                }
            });
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void onlyTheLeaseHolderReconcilesAndTheFollowerTakesOverWhenItStops() throws Exception {
        Duration lease = Duration.ofSeconds(4);
        ControllerApplication first =
                controller(new ControllerOptions.LeaderElection(NS, "kubetunnel", "first", lease));
        ControllerApplication second =
                controller(new ControllerOptions.LeaderElection(NS, "kubetunnel", "second", lease));
        try (first;
                second) {
            first.start();
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(client.leases()
                                    .inNamespace(NS)
                                    .withName("kubetunnel-controller")
                                    .get()
                                    .getSpec()
                                    .getHolderIdentity())
                            .isEqualTo("first"));
            second.start();
            first.close();

            await().ignoreExceptions()
                    .atMost(lease.multipliedBy(4))
                    .untilAsserted(() -> assertThat(client.leases()
                                    .inNamespace(NS)
                                    .withName("kubetunnel-controller")
                                    .get()
                                    .getSpec()
                                    .getHolderIdentity())
                            .isEqualTo("second"));
            client.resource(ConnectorFixtures.gatewayWithoutIngress(NS, "gw")).create();
            TunnelConnector c1 = ConnectorFixtures.connector(NS, "c1", "gw", 1080);
            c1.getMetadata().setUid(null);
            client.resource(c1).create();
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(connector("c1").getStatus().getState())
                            .isEqualTo(TunnelConnectorState.Starting));
        }
    }
}
