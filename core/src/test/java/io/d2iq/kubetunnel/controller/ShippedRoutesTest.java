package io.d2iq.kubetunnel.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.camel.KubetunnelHeaders;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.reconcile.ConnectorKeys;
import io.d2iq.kubetunnel.reconcile.ObjectCache;
import io.d2iq.kubetunnel.reconcile.ReconcileOutcome;
import io.d2iq.kubetunnel.reconcile.StateDecision;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shipped routes/controller.camel.yaml itself, in a plain CamelContext without an API server: the informer
 * endpoints are replaced by {@code direct:} ones (as camel-examples' MainYAMLTest does), the reconciler is a stub.
 */
class ShippedRoutesTest {

    private static final List<String> CHILD_KINDS = List.of(
            "deployment", "service", "ingress", "networkpolicy", "secret", "serviceaccount", "role", "rolebinding");

    private final StubReconciler reconciler = new StubReconciler();
    private DefaultCamelContext context;
    private ProducerTemplate template;

    @BeforeEach
    void loadTheShippedRoutes() throws Exception {
        context = new DefaultCamelContext();
        Properties placeholders = new Properties();
        placeholders.setProperty("kubetunnel.leader-prefix", "");
        placeholders.setProperty("kubetunnel.namespace", "");
        placeholders.setProperty("kubetunnel.resync-millis", "0");
        placeholders.setProperty("kubetunnel.workers", "2");
        context.getPropertiesComponent().setInitialProperties(placeholders);
        context.getRegistry().bind("connectorReconciler", reconciler);
        context.getRegistry().bind("connectorKeys", new ConnectorKeys(null, ObjectCache.NONE));
        context.getRegistry().bind("connectorStates", new ConnectorStateGauges());
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.resolveResource(context, "file:routes/controller.camel.yaml"));
        AdviceWith.adviceWith(context, "connector-watch", route -> route.replaceFromWith("direct:connector-watch"));
        for (String kind : CHILD_KINDS) {
            String routeId = "child-" + kind + "-watch";
            AdviceWith.adviceWith(context, routeId, route -> route.replaceFromWith("direct:" + routeId));
        }
        AdviceWith.adviceWith(context, "gateway-watch", route -> route.replaceFromWith("direct:gateway-watch"));
        // a notification step that replaces the body, as docs/routes.md's worked example does
        AdviceWith.adviceWith(
                context,
                "connector-state-changed",
                route -> route.weaveAddLast().setBody().constant("notified"));
        context.start();
        template = context.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void everyChildKindHasItsOwnRouteFromTheTemplate() {
        List<String> ids = context.getRoutes().stream().map(Route::getRouteId).toList();
        assertThat(ids)
                .contains(
                        "connector-watch",
                        "gateway-watch",
                        "child-changed",
                        "connector-reconcile",
                        "connector-state-changed");
        assertThat(ids)
                .containsAll(CHILD_KINDS.stream()
                        .map(kind -> "child-" + kind + "-watch")
                        .toList());
    }

    @Test
    void aConnectorEventReachesTheReconcilerWithItsKey() {
        template.sendBodyAndHeaders(
                "direct:connector-watch",
                "ignored",
                Map.of(KubetunnelHeaders.NAMESPACE, "ns", KubetunnelHeaders.NAME, "c1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.runs("ns/c1") == 1);
    }

    @Test
    void aLabelledChildReachesTheReconcilerAsItsConnectorsKey() {
        template.sendBody(
                "direct:child-secret-watch",
                new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace("ns")
                        .withName("c2-token")
                        .withLabels(Map.of(ConnectorResources.CONNECTOR_LABEL, "c2"))
                        .endMetadata()
                        .build());

        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.runs("ns/c2") == 1);
    }

    @Test
    void theRequeueOfTheReconcileResultRunsTheKeyAgainEvenAfterAStateChange() {
        reconciler.requeueOnce("ns/c3", Duration.ofMillis(200));
        template.sendBodyAndHeaders(
                "direct:connector-watch",
                "ignored",
                Map.of(KubetunnelHeaders.NAMESPACE, "ns", KubetunnelHeaders.NAME, "c3"));

        await().atMost(Duration.ofSeconds(5)).until(() -> reconciler.runs("ns/c3") == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> reconciler.runs("ns/c3") == 2);
    }

    /** Answers every reconcile with a state change to Connected; requeues a key once when asked. */
    public static final class StubReconciler {

        private final Map<String, Duration> requeueOnce = new ConcurrentHashMap<>();
        private final List<String> keys = new CopyOnWriteArrayList<>();

        void requeueOnce(String key, Duration after) {
            requeueOnce.put(key, after);
        }

        int runs(String key) {
            return (int) keys.stream().filter(key::equals).count();
        }

        public ReconcileOutcome reconcile(String key) {
            keys.add(key);
            String[] parts = key.split("/", 2);
            return new ReconcileOutcome(
                    parts[0],
                    parts[1],
                    null,
                    new StateDecision(TunnelConnectorState.Connected, "Test", "stub"),
                    1,
                    requeueOnce.remove(key),
                    0);
        }
    }
}
