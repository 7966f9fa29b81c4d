package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** The PATCH content types kubectl sends, and applying the ones the mock supports (to validate the result first). */
final class Patches {

    /** A patch content type. */
    enum Type {
        JSON_PATCH,
        MERGE,
        STRATEGIC_MERGE,
        APPLY,
        UNSUPPORTED
    }

    static final String MERGE_PATCH = "application/merge-patch+json";

    private Patches() {}

    static Type of(String contentType) {
        String type = contentType == null
                ? ""
                : contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        return switch (type) {
            case "application/json-patch+json" -> Type.JSON_PATCH;
            case MERGE_PATCH -> Type.MERGE;
            case "application/strategic-merge-patch+json" -> Type.STRATEGIC_MERGE;
            case "application/apply-patch+yaml", "application/apply-patch+cbor" -> Type.APPLY;
            default -> Type.UNSUPPORTED;
        };
    }

    /**
     * Whether a strategic merge patch means exactly what the same JSON merge patch means, so the mock can
     * apply it: it has no list (lists merge by key strategically but are replaced by a merge patch) and no
     * {@code $} directive.
     */
    static boolean isPlainMerge(JsonNode patch) {
        if (patch.isArray()) {
            return false;
        }
        if (patch.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().startsWith("$") || !isPlainMerge(field.getValue())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The object a patch of a supported type makes of {@code target}. */
    static JsonNode apply(Type type, JsonNode target, JsonNode patch) {
        return switch (type) {
            case JSON_PATCH -> JsonPatch.apply(patch, target);
            case STRATEGIC_MERGE -> StrategicMergePatch.apply(target, patch);
            default -> merge(target.deepCopy(), patch);
        };
    }

    /** RFC 7386 JSON merge patch. */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target.isObject() ? (ObjectNode) target : ApiStatus.JSON.createObjectNode();
        patch.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.path(field.getKey()), field.getValue()));
            }
        });
        return result;
    }
}
