package io.d2iq.kubetunnel.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Decides whether an existing object already is what we want. Servers add defaults, status and
 * bookkeeping, so the test is "every field we set has the value we set", not equality: that keeps a
 * reconcile with nothing changed free of writes.
 */
final class DesiredStateDiff {

    private static final List<String> COMPARED_METADATA = List.of("labels", "annotations", "ownerReferences");
    private static final List<String> IGNORED_TOP_LEVEL = List.of("apiVersion", "kind", "metadata", "status");

    private DesiredStateDiff() {}

    /** Whether {@code current} carries every field of {@code desired} with the same value. */
    static boolean isSatisfiedBy(HasMetadata desired, HasMetadata current) {
        ObjectNode want = Serialization.jsonMapper().valueToTree(desired);
        ObjectNode have = Serialization.jsonMapper().valueToTree(current);
        for (String field : COMPARED_METADATA) {
            if (!contains(
                    have.path("metadata").path(field), want.path("metadata").path(field))) {
                return false;
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!IGNORED_TOP_LEVEL.contains(field.getKey()) && !contains(have.path(field.getKey()), field.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code have} contains {@code want}: objects field by field, arrays element by element. */
    static boolean contains(JsonNode have, JsonNode want) {
        if (want.isMissingNode() || want.isNull()) {
            return true;
        }
        if (want.isObject()) {
            if (!have.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!contains(have.path(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (want.isArray()) {
            if (!have.isArray() || have.size() != want.size()) {
                return false;
            }
            for (int i = 0; i < want.size(); i++) {
                if (!contains(have.get(i), want.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (want.isNumber() && have.isNumber()) {
            return want.decimalValue().compareTo(have.decimalValue()) == 0;
        }
        return want.asText().equals(have.asText()) && want.getNodeType() == have.getNodeType();
    }
}
