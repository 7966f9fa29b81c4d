package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The same requests against fabric8's plain CRUD mock and against the indexed one give the same answers:
 * objects, list order, label and field selectors, cluster-wide lists, finalizers, conflicts and watch events.
 */
class IndexedCrudDispatcherTest {

    @Test
    void answersExactlyAsThePlainMockDoes() {
        assertThat(transcript(new IndexedCrudDispatcher())).isEqualTo(transcript(new KubernetesCrudDispatcher()));
    }

    @Test
    void aTranscriptIsNotTrivial() {
        List<String> transcript = transcript(new IndexedCrudDispatcher());
        assertThat(transcript)
                .hasSizeGreaterThan(15)
                .anyMatch(line -> line.contains("cm-b1"))
                .anyMatch(line -> line.startsWith("watch MODIFIED"));
    }

    /** A fixed sequence of writes and reads; each line a read's answer with per-run fields (uid, time) left out. */
    private static List<String> transcript(Dispatcher dispatcher) {
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        List<String> lines = new ArrayList<>();
        List<String> watchEvents = new CopyOnWriteArrayList<>();
        try (KubernetesClient client = server.createClient()) {
            var watch = client.configMaps()
                    .inNamespace("a")
                    .withLabel("tier", "web")
                    .watch(new Watcher<>() {
                        @Override
                        public void eventReceived(Action action, ConfigMap resource) {
                            watchEvents.add("watch " + action + " "
                                    + resource.getMetadata().getName() + " " + resource.getData());
                        }

                        @Override
                        public void onClose(WatcherException cause) {}
                    });
            for (String ns : List.of("a", "b")) {
                client.resource(namespace(ns)).create();
                for (int i = 1; i <= 3; i++) {
                    client.resource(configMap(ns, "cm-" + ns + i, i % 2 == 0 ? "db" : "web"))
                            .create();
                }
            }
            lines.add("conflict "
                    + attempt(() ->
                            client.resource(configMap("a", "cm-a1", "web")).create()));
            client.configMaps()
                    .inNamespace("a")
                    .withName("cm-a1")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v2").build());
            client.configMaps()
                    .inNamespace("a")
                    .withName("cm-a3")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"tier\":\"db\"}}}");
            client.configMaps()
                    .inNamespace("b")
                    .withName("cm-b2")
                    .edit(cm -> new ConfigMapBuilder(cm)
                            .editMetadata()
                            .addToFinalizers("example.com/keep")
                            .endMetadata()
                            .build());
            client.configMaps().inNamespace("b").withName("cm-b2").delete();
            client.configMaps().inNamespace("b").withName("cm-b3").delete();
            lines.add("missing "
                    + client.configMaps().inNamespace("b").withName("cm-b3").get());
            lines.add("one "
                    + strip(client.configMaps()
                            .inNamespace("a")
                            .withName("cm-a1")
                            .get()));
            lines.add("marked "
                    + client.configMaps()
                            .inNamespace("b")
                            .withName("cm-b2")
                            .get()
                            .getMetadata()
                            .getDeletionTimestamp()
                            .isEmpty());
            lines.add(
                    "in a " + names(client.configMaps().inNamespace("a").list().getItems()));
            lines.add("everywhere "
                    + names(client.configMaps().inAnyNamespace().list().getItems()));
            lines.add("web "
                    + names(client.configMaps()
                            .inAnyNamespace()
                            .withLabel("tier", "web")
                            .list()
                            .getItems()));
            lines.add("not web "
                    + names(client.configMaps()
                            .inAnyNamespace()
                            .withLabelNotIn("tier", "web")
                            .list()
                            .getItems()));
            lines.add("labelled "
                    + names(client.configMaps()
                            .inNamespace("a")
                            .withLabel("tier")
                            .list()
                            .getItems()));
            lines.add("by field "
                    + names(client.configMaps()
                            .inAnyNamespace()
                            .withField("metadata.name", "cm-b1")
                            .list()
                            .getItems()));
            lines.add("namespaces " + names(client.namespaces().list().getItems()));
            lines.add("namespace " + strip(client.namespaces().withName("b").get()));
            lines.add("none " + names(client.secrets().inNamespace("a").list().getItems()));
            client.configMaps().inNamespace("a").withLabel("tier", "db").delete();
            lines.add("after collection delete "
                    + names(client.configMaps().inAnyNamespace().list().getItems()));
            lines.add("versions rising "
                    + rising(client.configMaps().inAnyNamespace().list().getItems()));
            // ADDED cm-a1, ADDED cm-a3, MODIFIED cm-a1, DELETED cm-a3 (relabelled out of the selector)
            await().until(() -> watchEvents.size() >= 4);
            watch.close();
            lines.addAll(watchEvents);
        } finally {
            server.destroy();
        }
        return lines;
    }

    private static Namespace namespace(String name) {
        return new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .build();
    }

    private static ConfigMap configMap(String namespace, String name, String tier) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .addToLabels("tier", tier)
                .endMetadata()
                .addToData("k", "v1")
                .build();
    }

    private static String attempt(Runnable action) {
        try {
            action.run();
            return "none";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + " " + e.getMessage().contains("409");
        }
    }

    private static String names(List<? extends HasMetadata> objects) {
        return objects.stream()
                .map(o -> o.getMetadata().getNamespace() + "/" + o.getMetadata().getName())
                .collect(Collectors.joining(","));
    }

    private static String rising(List<? extends HasMetadata> objects) {
        Map<String, Long> versions = objects.stream()
                .collect(Collectors.toMap(
                        o -> o.getMetadata().getName(),
                        o -> Long.parseLong(o.getMetadata().getResourceVersion())));
        return versions.values().stream().allMatch(v -> v > 0) + " " + versions.size();
    }

    private static String strip(HasMetadata object) {
        object.getMetadata().setUid(null);
        object.getMetadata().setCreationTimestamp(null);
        return object.toString();
    }
}
