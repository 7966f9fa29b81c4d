package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The CustomResourceDefinitions stored in the mock. Every write reaches the mock through our layer, which calls
 * {@link #changed()} after each write to a CRD, so the parsed list is kept until then instead of being read and
 * parsed again for every validated write and discovery request.
 */
final class StoredCrds {

    static final String CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

    /** One served version of a stored CRD: its type, openAPIV3Schema and additionalPrinterColumns. */
    record Version(ResourceType type, JsonNode schema, JsonNode printerColumns) {}

    private final MockBackend mock;
    private final AtomicLong changes = new AtomicLong();
    private volatile Cached cached;

    /** The versions read while {@link #changes} had the value {@code change}. */
    private record Cached(long change, List<Version> versions) {}

    StoredCrds(MockBackend mock) {
        this.mock = mock;
    }

    /** A CRD was written or deleted: read the list again on next use. */
    void changed() {
        changes.incrementAndGet();
    }

    /** Every served version of every stored CRD. */
    List<Version> versions() throws IOException, InterruptedException {
        long change = changes.get();
        Cached current = cached;
        if (current != null && current.change() == change) {
            return current.versions();
        }
        List<Version> versions = read();
        // kept only if no CRD changed while reading: a list read before a change must not outlive it
        if (changes.get() == change) {
            cached = new Cached(change, versions);
        }
        return versions;
    }

    private List<Version> read() throws IOException, InterruptedException {
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
            List<String> categories = new ArrayList<>();
            names.path("categories").forEach(n -> categories.add(n.asText()));
            for (JsonNode version : spec.path("versions")) {
                if (!version.path("served").asBoolean(true)) {
                    continue;
                }
                ResourceType type = new ResourceType(
                        spec.path("group").asText(),
                        version.path("name").asText(),
                        names.path("plural").asText(),
                        names.path("singular")
                                .asText(names.path("kind").asText().toLowerCase(java.util.Locale.ROOT)),
                        names.path("kind").asText(),
                        !"Cluster".equals(spec.path("scope").asText()),
                        List.copyOf(shortNames),
                        List.copyOf(categories),
                        version.path("subresources").has("status"));
                versions.add(new Version(
                        type,
                        version.path("schema").path("openAPIV3Schema"),
                        version.path("additionalPrinterColumns")));
            }
        }
        return List.copyOf(versions);
    }

    /** The stored CRD version serving a resource path, if the path names a custom resource. */
    Optional<Version> find(ApiPath path) throws IOException, InterruptedException {
        if (path.group().isEmpty()) {
            return Optional.empty();
        }
        return versions().stream()
                .filter(v -> v.type().group().equals(path.group())
                        && v.type().version().equals(path.version())
                        && v.type().plural().equals(path.plural()))
                .findFirst();
    }
}
