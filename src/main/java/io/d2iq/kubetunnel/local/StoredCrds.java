package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The CustomResourceDefinitions stored in the mock, read fresh on every use (the mock keeps them in memory). */
final class StoredCrds {

    static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    /** One served version of a stored CRD: its type, openAPIV3Schema and additionalPrinterColumns. */
    record Version(ResourceType type, JsonNode schema, JsonNode printerColumns) {
    }

    private final MockBackend mock;

    StoredCrds(MockBackend mock) {
        this.mock = mock;
    }

    /** Every served version of every stored CRD. */
    List<Version> versions() throws IOException, InterruptedException {
        String list = mock.get(CRD_PATH);
        List<Version> versions = new ArrayList<>();
        if (list == null) {
            return versions;
        }
        for (JsonNode crd : ApiStatus.JSON.readTree(list).path("items")) {
            JsonNode spec = crd.path("spec");
            JsonNode names = spec.path("names");
            List<String> shortNames = new ArrayList<>();
            names.path("shortNames").forEach(n -> shortNames.add(n.asText()));
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(true)) {
                    continue;
                }
                ResourceType type = new ResourceType(spec.path("group").asText(), version.path("name").asText(),
                        names.path("plural").asText(), names.path("singular").asText(names.path("kind").asText().toLowerCase(java.util.Locale.ROOT)),
                        names.path("kind").asText(), !"Cluster".equals(spec.path("scope").asText()), List.copyOf(shortNames),
                        version.path("subresources").has("status"));
                versions.add(new Version(type, version.path("schema").path("openAPIV3Schema"), version.path("additionalPrinterColumns")));
            }
        }
        return versions;
    }

    /** The stored CRD version serving a resource path, if the path names a custom resource. */
    Optional<Version> find(ApiPath path) throws IOException, InterruptedException {
        if (path.group().isEmpty()) {
            return Optional.empty();
        }
        return versions().stream()
                .filter(v -> v.type().group().equals(path.group()) && v.type().version().equals(path.version())
                        && v.type().plural().equals(path.plural()))
                .findFirst();
    }
}
