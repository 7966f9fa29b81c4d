package io.d2iq.kubetunnel.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InformerRouteTest extends CamelTestSupport {

    private static final String CONNECTOR_API_VERSION = "kubetunnel.d2iq.io/v1alpha1";

    private static EmbeddedApi api;
    private static KubernetesClient kube;

    private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startApi() {
        api = new EmbeddedApi();
        kube = api.client();
    }

    @AfterAll
    static void stopApi() {
        api.close();
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("kube", kube);
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("informer:ConfigMap?apiVersion=v1&namespace=cm-events")
                        .routeId("configmaps")
                        .autoStartup(false)
                        .process(exchange -> events.add(RecordedEvent.of(exchange)));
                from("informer:TunnelConnector?apiVersion=" + CONNECTOR_API_VERSION + "&labelSelector=team%3Dblue")
                        .routeId("connectors")
                        .autoStartup(false)
                        .process(exchange -> events.add(RecordedEvent.of(exchange)));
                from("informer:ConfigMap?namespace=cm-resync&resyncPeriod=300&kubernetesClient=#kube")
                        .routeId("resync")
                        .autoStartup(false)
                        .process(exchange -> events.add(RecordedEvent.of(exchange)));
                from("informer:ConfigMap?namespace=cm-managed")
                        .routeId("managed")
                        .autoStartup(false)
                        .process(exchange -> events.add(RecordedEvent.of(exchange)));
                from("informer:ConfigMap?namespace=cm-stop")
                        .routeId("stop")
                        .autoStartup(false)
                        .process(exchange -> events.add(RecordedEvent.of(exchange)));
            }
        };
    }

    @Test
    void configMapChangesArriveAsAddedModifiedDeletedWithHeadersAndBody() throws Exception {
        context.getRouteController().startRoute("configmaps");
        awaitWatching("configmaps");

        kube.configMaps()
                .inNamespace("cm-events")
                .resource(configMap("cm-events", "settings", "v1"))
                .create();
        kube.configMaps()
                .inNamespace("elsewhere")
                .resource(configMap("elsewhere", "settings", "v1"))
                .create();
        kube.configMaps()
                .inNamespace("cm-events")
                .withName("settings")
                .edit(cm -> configMap("cm-events", "settings", "v2"));
        kube.configMaps().inNamespace("cm-events").withName("settings").delete();

        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 3);
        assertThat(events)
                .extracting(RecordedEvent::summary)
                .containsExactly(
                        "ADDED cm-events/settings", "MODIFIED cm-events/settings", "DELETED cm-events/settings");
        assertThat(events).extracting(RecordedEvent::kind).containsOnly("ConfigMap");
        assertThat(data(events.get(0).body())).containsEntry("value", "v1");
        assertThat(data(events.get(1).body())).containsEntry("value", "v2");
        assertThat(data(events.get(2).body()))
                .as("DELETED carries the last known state")
                .containsEntry("value", "v2");
    }

    @Test
    void customResourceEventsFromAllNamespacesAreFilteredByLabel() throws Exception {
        context.getRouteController().startRoute("connectors");
        awaitWatching("connectors");

        create(connector("team-a", "blue-one", "blue"));
        create(connector("team-b", "blue-two", "blue"));
        create(connector("team-a", "red-one", "red"));
        create(connector("team-a", "unlabelled", null));
        kube.genericKubernetesResources(CONNECTOR_API_VERSION, "TunnelConnector")
                .inNamespace("team-a")
                .withName("blue-one")
                .edit(c -> {
                    c.setAdditionalProperty("spec", Map.of("proxyPort", 2080));
                    return c;
                });
        kube.genericKubernetesResources(CONNECTOR_API_VERSION, "TunnelConnector")
                .inNamespace("team-b")
                .withName("blue-two")
                .delete();

        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() >= 4);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> events.size() == 4);
        assertThat(events)
                .extracting(RecordedEvent::summary)
                .containsExactlyInAnyOrder(
                        "ADDED team-a/blue-one",
                        "ADDED team-b/blue-two",
                        "MODIFIED team-a/blue-one",
                        "DELETED team-b/blue-two");
        assertThat(events).extracting(RecordedEvent::kind).containsOnly("TunnelConnector");
    }

    @Test
    void resyncReplaysUnchangedObjectsAsResyncEvents() throws Exception {
        kube.configMaps()
                .inNamespace("cm-resync")
                .resource(configMap("cm-resync", "steady", "v1"))
                .create();
        context.getRouteController().startRoute("resync");

        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        events.stream().filter(e -> e.type().equals("RESYNC")).count() >= 2);
        assertThat(events.get(0).summary()).isEqualTo("ADDED cm-resync/steady");
        assertThat(events.subList(1, events.size()))
                .extracting(RecordedEvent::summary)
                .containsOnly("RESYNC cm-resync/steady");
        assertThat(events)
                .extracting(e -> e.body().getMetadata().getResourceVersion())
                .containsOnly(events.get(0).body().getMetadata().getResourceVersion());
    }

    @Test
    void stoppingTheRouteClosesTheInformer() throws Exception {
        context.getRouteController().startRoute("stop");
        awaitWatching("stop");

        context.getRouteController().stopRoute("stop");
        kube.configMaps()
                .inNamespace("cm-stop")
                .resource(configMap("cm-stop", "late", "v1"))
                .create();

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(events::isEmpty);
        context.getRouteController().startRoute("stop");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 1);
        assertThat(events.get(0).summary()).isEqualTo("ADDED cm-stop/late");
    }

    @Test
    void objectsArriveAndAreCachedWithoutManagedFields() throws Exception {
        ConfigMap withManagedFields = configMap("cm-managed", "applied", "v1");
        withManagedFields
                .getMetadata()
                .setManagedFields(List.of(new ManagedFieldsEntryBuilder()
                        .withManager("kubectl")
                        .withOperation("Apply")
                        .withApiVersion("v1")
                        .withFieldsType("FieldsV1")
                        .build()));
        kube.configMaps().inNamespace("cm-managed").resource(withManagedFields).create();
        assertThat(kube.configMaps()
                        .inNamespace("cm-managed")
                        .withName("applied")
                        .get()
                        .getMetadata()
                        .getManagedFields())
                .as("the API serves them")
                .isNotEmpty();

        context.getRouteController().startRoute("managed");
        awaitWatching("managed");

        await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.name()).isEqualTo("applied");
            assertThat(event.body().getMetadata().getManagedFields()).isNullOrEmpty();
        });
        context.getRouteController().stopRoute("managed");
    }

    private void awaitWatching(String routeId) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ((InformerConsumer) context.getRoute(routeId).getConsumer()).isWatching());
    }

    private static ConfigMap configMap(String namespace, String name, String value) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .addToData("value", value)
                .build();
    }

    private static GenericKubernetesResource connector(String namespace, String name, String team) {
        GenericKubernetesResource connector = new GenericKubernetesResourceBuilder()
                .withApiVersion(CONNECTOR_API_VERSION)
                .withKind("TunnelConnector")
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .build();
        if (team != null) {
            connector.getMetadata().setLabels(Map.of("team", team));
        }
        connector.setAdditionalProperty("spec", Map.of("gatewayRef", Map.of("name", "gw")));
        return connector;
    }

    private static void create(GenericKubernetesResource resource) {
        kube.genericKubernetesResources(CONNECTOR_API_VERSION, "TunnelConnector")
                .inNamespace(resource.getMetadata().getNamespace())
                .resource(resource)
                .create();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("data");
    }
}
