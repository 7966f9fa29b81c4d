package io.d2iq.kubetunnel.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Processor;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both components resolve by scheme from a YAML route in plain camel-main, with no Java wiring but the beans. */
class YamlRoutesInCamelMainRouteTest {

    private static final String ROUTES = """
            - route:
                id: configmap-watch
                from:
                  uri: informer:ConfigMap
                  parameters:
                    apiVersion: v1
                    namespace: yaml-main
                  steps:
                    - setBody:
                        simple: "${header.KubetunnelNamespace}/${header.KubetunnelName}"
                    - to: workqueue:configmaps
            - route:
                id: configmap-reconcile
                from:
                  uri: workqueue:configmaps
                  parameters:
                    concurrentConsumers: 2
                  steps:
                    - process:
                        ref: recorder
            """;

    private final List<String> reconciledKeys = new CopyOnWriteArrayList<>();
    private EmbeddedApi api;
    private Main main;

    @BeforeEach
    void startMain(@TempDir Path routes) throws Exception {
        api = new EmbeddedApi();
        Files.writeString(routes.resolve("configmaps.camel.yaml"), ROUTES);
        main = new Main();
        main.configure().withRoutesIncludePattern("file:" + routes.toAbsolutePath() + "/*.camel.yaml");
        main.bind("kube", api.client());
        main.bind("recorder", (Processor)
                exchange -> reconciledKeys.add(exchange.getMessage().getHeader(KubetunnelHeaders.KEY, String.class)));
        main.start();
    }

    @AfterEach
    void stopMain() {
        main.stop();
        api.close();
    }

    @Test
    void aConfigMapChangeReachesTheWorkQueueRouteAsItsKey() {
        api.client()
                .configMaps()
                .inNamespace("yaml-main")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withNamespace("yaml-main")
                        .withName("app-settings")
                        .endMetadata()
                        .build())
                .create();

        await().atMost(Duration.ofSeconds(15)).until(() -> reconciledKeys.contains("yaml-main/app-settings"));
        assertThat(main.getCamelContext().getComponent("informer")).isInstanceOf(InformerComponent.class);
        assertThat(main.getCamelContext().getComponent("workqueue")).isInstanceOf(WorkQueueComponent.class);
    }
}
