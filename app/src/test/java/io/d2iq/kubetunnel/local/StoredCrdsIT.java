package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The parsed CRD list is kept between requests, and every CRD write or delete is seen at once. */
class StoredCrdsIT {

    @RegisterExtension
    final LocalApiExtension api = LocalApiExtension.plain();

    @Test
    void discoveryFollowsEveryCrdCreateEditAndDelete() throws IOException {
        KubernetesClient client = api.client();
        CustomResourceDefinition crd;
        try (InputStream in = Files.newInputStream(Path.of("deploy/crds/tunnelgateways.kubetunnel.d2iq.io-v1.yml"))) {
            crd = client.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .load(in)
                    .item();
        }
        assertThat(servedKinds(client)).doesNotContain("TunnelGateway");

        client.resource(crd).create();
        assertThat(servedKinds(client)).contains("TunnelGateway");

        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .withName(crd.getMetadata().getName())
                .edit(c -> {
                    c.getSpec().getNames().setShortNames(List.of("tgw-edited"));
                    return c;
                });
        assertThat(client.getApiResources("kubetunnel.d2iq.io/v1alpha1").getResources())
                .filteredOn(r -> r.getKind().equals("TunnelGateway"))
                .flatExtracting(APIResource::getShortNames)
                .containsExactly("tgw-edited");

        client.resource(crd).delete();
        assertThat(servedKinds(client)).doesNotContain("TunnelGateway");
    }

    private static List<String> servedKinds(KubernetesClient client) {
        var resources = client.getApiResources("kubetunnel.d2iq.io/v1alpha1");
        return resources == null
                ? List.of()
                : resources.getResources().stream().map(APIResource::getKind).toList();
    }
}
