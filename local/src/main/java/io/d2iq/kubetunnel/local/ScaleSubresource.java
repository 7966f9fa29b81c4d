package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code scale} subresource of the workload kinds, which the mock does not know: {@code kubectl scale}
 * PATCHes {@code .../deployments/NAME/scale} and refuses any answer that is not an {@code autoscaling/v1 Scale}.
 */
final class ScaleSubresource {

    static final String NAME = "scale";

    private static final Set<String> SCALABLE =
            Set.of("deployments", "replicasets", "statefulsets", "replicationcontrollers");

    private ScaleSubresource() {}

    static boolean isScale(ApiPath resource) {
        return NAME.equals(resource.subresource()) && SCALABLE.contains(resource.plural());
    }

    /** The path of the object a scale path belongs to. */
    static String objectPath(String scalePath) {
        return scalePath.substring(0, scalePath.length() - ("/" + NAME).length());
    }

    /** The Scale view of a workload: its identity, desired replicas, and observed replicas with their selector. */
    static ObjectNode of(JsonNode workload) {
        ObjectNode scale = ApiStatus.JSON
                .createObjectNode()
                .put("apiVersion", "autoscaling/v1")
                .put("kind", "Scale");
        ObjectNode metadata = scale.putObject("metadata");
        JsonNode source = workload.path("metadata");
        for (String field : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
            if (source.hasNonNull(field)) {
                metadata.set(field, source.get(field));
            }
        }
        scale.putObject("spec")
                .put("replicas", workload.path("spec").path("replicas").asInt(1));
        ObjectNode status = scale.putObject("status")
                .put("replicas", workload.path("status").path("replicas").asInt(0));
        String selector = selector(workload.path("spec").path("selector").path("matchLabels"));
        if (!selector.isEmpty()) {
            status.put("selector", selector);
        }
        return scale;
    }

    /** The merge patch that sets a workload's replicas to what a (patched or replaced) Scale asks for. */
    static ObjectNode replicasPatch(JsonNode scale) {
        JsonNode replicas = scale.path("spec").path("replicas");
        if (!replicas.canConvertToInt() || !replicas.isIntegralNumber() || replicas.asInt() < 0) {
            throw new IllegalArgumentException("spec.replicas must be a non-negative integer, got " + replicas);
        }
        ObjectNode patch = ApiStatus.JSON.createObjectNode();
        patch.putObject("spec").put("replicas", replicas.asInt());
        return patch;
    }

    private static String selector(JsonNode matchLabels) {
        return matchLabels.properties().stream()
                .map(Map.Entry::getKey)
                .sorted()
                .map(key -> key + "=" + matchLabels.path(key).asText())
                .collect(Collectors.joining(","));
    }
}
