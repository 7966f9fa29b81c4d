package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch, as {@code kubectl apply} sends it for built-in kinds: a list of objects
 * merges element by element on its patch merge key (containers by {@code name}, container ports by
 * {@code containerPort}, ...), any other list is replaced, and the directives {@code $patch}
 * ({@code replace}, {@code delete}), {@code $retainKeys}, {@code $setElementOrder/F} and
 * {@code $deleteFromPrimitiveList/F} are honoured. The merge keys are those of the Kubernetes OpenAPI
 * ({@code x-kubernetes-patch-merge-key}) for the fields the workloads, Services and RBAC objects carry;
 * the list is ours because the mock has no schema for built-in kinds.
 */
final class StrategicMergePatch {

    private static final String PATCH = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String SET_ELEMENT_ORDER = "$setElementOrder/";
    private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

    /** Field name to patch merge key; {@code ports} is decided by its elements (container or Service ports). */
    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"),
            Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"),
            Map.entry("env", "name"),
            Map.entry("volumes", "name"),
            Map.entry("volumeMounts", "mountPath"),
            Map.entry("volumeDevices", "devicePath"),
            Map.entry("imagePullSecrets", "name"),
            Map.entry("hostAliases", "ip"),
            Map.entry("conditions", "type"),
            Map.entry("ownerReferences", "uid"),
            Map.entry("topologySpreadConstraints", "topologyKey"));

    private StrategicMergePatch() {}

    /** The object {@code patch} makes of {@code target} (neither is modified). */
    static JsonNode apply(JsonNode target, JsonNode patch) {
        JsonNode result = merge(target.deepCopy(), patch);
        return result == null ? ApiStatus.JSON.createObjectNode() : result;
    }

    /** The merged value, or null when the patch deletes it. */
    private static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        String directive = patch.path(PATCH).asText("");
        if (directive.equals("delete")) {
            return null;
        }
        if (directive.equals("replace")) {
            return withoutDirectives((ObjectNode) patch);
        }
        ObjectNode result =
                target != null && target.isObject() ? (ObjectNode) target : ApiStatus.JSON.createObjectNode();
        List<Map.Entry<String, JsonNode>> orders = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : patch.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.startsWith(SET_ELEMENT_ORDER)) {
                orders.add(field);
            } else if (name.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                deleteValues(result, name.substring(DELETE_FROM_PRIMITIVE_LIST.length()), value);
            } else if (name.equals(PATCH) || name.equals(RETAIN_KEYS)) {
                continue;
            } else if (value.isNull()) {
                result.remove(name);
            } else if (value.isArray()) {
                result.set(name, mergeList(name, result.get(name), (ArrayNode) value));
            } else {
                JsonNode merged = merge(result.get(name), value);
                if (merged == null) {
                    result.remove(name);
                } else {
                    result.set(name, merged);
                }
            }
        }
        for (Map.Entry<String, JsonNode> order : orders) {
            reorder(result, order.getKey().substring(SET_ELEMENT_ORDER.length()), order.getValue());
        }
        if (patch.path(RETAIN_KEYS).isArray()) {
            Set<String> retained = new HashSet<>();
            patch.path(RETAIN_KEYS).forEach(key -> retained.add(key.asText()));
            result.retain(retained);
        }
        return result;
    }

    private static JsonNode mergeList(String field, JsonNode target, ArrayNode patch) {
        String key = mergeKey(field, patch);
        if (key == null || target == null || !target.isArray()) {
            return withoutDirectives(patch, key);
        }
        for (JsonNode element : patch) {
            if (element.path(PATCH).asText("").equals("replace") && !element.has(key)) {
                return withoutDirectives(patch, key);
            }
        }
        ArrayNode result = ((ArrayNode) target).deepCopy();
        for (JsonNode element : patch) {
            int index = indexOf(result, key, element.get(key));
            boolean delete = element.path(PATCH).asText("").equals("delete");
            if (index >= 0 && delete) {
                result.remove(index);
            } else if (index >= 0) {
                result.set(index, merge(result.get(index), element));
            } else if (!delete) {
                result.add(merge(null, element));
            }
        }
        return result;
    }

    /** The merge key of a list of objects, or null when the list is replaced as a whole. */
    private static String mergeKey(String field, ArrayNode patch) {
        if (patch.isEmpty() || !patch.get(0).isObject()) {
            return null;
        }
        if (field.equals("ports")) {
            return patch.get(0).has("containerPort") ? "containerPort" : "port";
        }
        return MERGE_KEYS.get(field);
    }

    private static int indexOf(ArrayNode list, String key, JsonNode value) {
        for (int i = 0; value != null && i < list.size(); i++) {
            if (value.equals(list.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }

    private static ArrayNode withoutDirectives(ArrayNode list, String key) {
        ArrayNode result = ApiStatus.JSON.createArrayNode();
        for (JsonNode element : list) {
            if (key == null || !element.path(PATCH).asText("").equals("delete")) {
                result.add(element.isObject() ? withoutDirectives((ObjectNode) element) : element);
            }
        }
        return result;
    }

    private static ObjectNode withoutDirectives(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        copy.remove(PATCH);
        return copy;
    }

    private static void deleteValues(ObjectNode result, String field, JsonNode values) {
        if (result.get(field) instanceof ArrayNode list) {
            for (int i = list.size() - 1; i >= 0; i--) {
                for (JsonNode value : values) {
                    if (value.equals(list.get(i))) {
                        list.remove(i);
                        break;
                    }
                }
            }
        }
    }

    /** Orders a list as {@code $setElementOrder} says; elements it does not name keep their place after those it does. */
    private static void reorder(ObjectNode result, String field, JsonNode order) {
        if (!(result.get(field) instanceof ArrayNode list) || !order.isArray()) {
            return;
        }
        String key = order.isEmpty() || !order.get(0).isObject() ? null : mergeKey(field, (ArrayNode) order);
        ArrayNode ordered = ApiStatus.JSON.createArrayNode();
        List<JsonNode> rest = new ArrayList<>();
        list.forEach(rest::add);
        for (JsonNode wanted : order) {
            JsonNode identity = key == null ? wanted : wanted.get(key);
            for (int i = 0; i < rest.size(); i++) {
                JsonNode candidate = key == null ? rest.get(i) : rest.get(i).get(key);
                if (identity != null && identity.equals(candidate)) {
                    ordered.add(rest.remove(i));
                    break;
                }
            }
        }
        rest.forEach(ordered::add);
        result.set(field, ordered);
    }
}
