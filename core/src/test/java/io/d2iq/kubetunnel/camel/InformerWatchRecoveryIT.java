package io.d2iq.kubetunnel.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The informer's client talks to the embedded API through a relay that the tests use to break its watch. */
class InformerWatchRecoveryIT extends CamelTestSupport {

    private static final String NAMESPACE = "drops";

    private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();
    private EmbeddedApi api;
    private ApiRelay relay;
    private KubernetesClient relayed;

    @Override
    protected void doPreSetup() throws Exception {
        api = new EmbeddedApi();
        relay = new ApiRelay(api.port());
        relayed = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(Config.empty())
                        .withMasterUrl(relay.url())
                        .withWatchReconnectInterval(100)
                        .withRequestRetryBackoffInterval(100)
                        .build())
                .build();
    }

    @AfterEach
    void closeApi() throws Exception {
        relayed.close();
        relay.close();
        api.close();
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("relayed", relayed);
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("informer:ConfigMap?namespace=" + NAMESPACE + "&resyncPeriod=0&kubernetesClient=#relayed")
                        .routeId("watch")
                        .process(exchange -> events.add(RecordedEvent.of(exchange)));
            }
        };
    }

    @Test
    void afterTheConnectionIsCutTheWatchIsReopenedAndLaterChangesArrive() {
        createConfigMap("before");
        awaitEvent("ADDED drops/before");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.dispatcher().watchesOpened() == 1);

        relay.severAll();

        await().atMost(Duration.ofSeconds(10)).until(() -> api.dispatcher().watchesOpened() == 2);
        createConfigMap("after");
        awaitEvent("ADDED drops/after");
    }

    @Test
    void aWatchAnswered410GoneRelistsSoChangesMissedMeanwhileArriveAndWatchingResumes() {
        createConfigMap("kept");
        createConfigMap("doomed");
        awaitEvent("ADDED drops/doomed");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.dispatcher().watchesOpened() == 1);

        relay.refuseConnections(true);
        relay.severAll();
        // while the informer cannot connect; a resumed watch on the embedded API replays current objects as ADDED but
        // never a deletion, so only the relist that 410 forces can report "doomed" as DELETED
        createConfigMap("missed");
        api.client().configMaps().inNamespace(NAMESPACE).withName("doomed").delete();
        api.dispatcher().answerNextWatchWithGone();
        relay.refuseConnections(false);

        await().atMost(Duration.ofSeconds(10)).until(() -> api.dispatcher().watchesGone() == 1);
        awaitEvent("ADDED drops/missed");
        awaitEvent("DELETED drops/doomed");
        await().atMost(Duration.ofSeconds(10)).until(() -> api.dispatcher().watchesOpened() == 2);
        createConfigMap("later");
        awaitEvent("ADDED drops/later");
        assertThat(events)
                .extracting(RecordedEvent::summary)
                .filteredOn(s -> s.endsWith("/kept"))
                .containsExactly("ADDED drops/kept");
    }

    @Test
    void aRouteStartedWhileTheApiIsUnreachableCatchesUpOnceItIsBack() throws Exception {
        context.getRouteController().stopRoute("watch");
        relay.refuseConnections(true);
        relay.severAll();
        createConfigMap("waiting");

        context.getRouteController().startRoute("watch");
        assertThat(context.getRouteController().getRouteStatus("watch").isStarted())
                .isTrue();
        relay.refuseConnections(false);

        awaitEvent("ADDED drops/waiting");
    }

    private void createConfigMap(String name) {
        api.client()
                .configMaps()
                .inNamespace(NAMESPACE)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withNamespace(NAMESPACE)
                        .withName(name)
                        .endMetadata()
                        .build())
                .create();
    }

    private void awaitEvent(String summary) {
        await().atMost(Duration.ofSeconds(15))
                .untilAsserted(() ->
                        assertThat(events).extracting(RecordedEvent::summary).contains(summary));
    }
}
