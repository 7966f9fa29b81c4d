package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CollectionDeleteIT {

    @RegisterExtension
    final LocalApiExtension api = LocalApiExtension.plain();

    private static ConfigMap configMap(String name, String team) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(name)
                .addToLabels("team", team)
                .endMetadata()
                .build();
    }

    @Test
    void aCollectionDeleteWithALabelSelectorDeletesOnlyTheMatchingObjects() {
        KubernetesClient client = api.client();
        client.resource(configMap("a1", "a")).create();
        client.resource(configMap("a2", "a")).create();
        client.resource(configMap("b1", "b")).create();

        client.configMaps().inNamespace("default").withLabel("team", "a").delete();

        assertThat(client.configMaps().inNamespace("default").list().getItems())
                .extracting(c -> c.getMetadata().getName())
                .containsExactly("b1");
    }
}
