package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Kubernetes {@code Status} bodies for the errors our layer answers itself, as kubectl expects to decode them. */
final class ApiStatus {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A field-level cause of a 422 Invalid answer, e.g. {@code spec.proxyPort}. */
    record Cause(String field, String message) {}

    private ApiStatus() {}

    static String failure(int code, String reason, String message) {
        return JSON.createObjectNode()
                .put("kind", "Status")
                .put("apiVersion", "v1")
                .<ObjectNode>set("metadata", JSON.createObjectNode())
                .put("status", "Failure")
                .put("message", message)
                .put("reason", reason)
                .put("code", code)
                .toString();
    }

    static String notFound(ApiPath path) {
        ObjectNode status =
                (ObjectNode) read(failure(404, "NotFound", path.plural() + " \"" + path.name() + "\" not found"));
        status.putObject("details")
                .put("name", path.name())
                .put("group", path.group())
                .put("kind", path.plural());
        return status.toString();
    }

    static String invalid(String kind, String group, String name, List<Cause> causes) {
        String qualifiedKind = group.isEmpty() ? kind : kind + "." + group;
        StringBuilder message =
                new StringBuilder(qualifiedKind).append(" \"").append(name).append("\" is invalid: ");
        ArrayNode causeNodes = JSON.createArrayNode();
        for (int i = 0; i < causes.size(); i++) {
            Cause cause = causes.get(i);
            message.append(i == 0 ? "" : ", ")
                    .append(cause.field())
                    .append(": ")
                    .append(cause.message());
            causeNodes
                    .addObject()
                    .put("reason", "FieldValueInvalid")
                    .put("message", cause.message())
                    .put("field", cause.field());
        }
        ObjectNode status = (ObjectNode) read(failure(422, "Invalid", message.toString()));
        status.putObject("details")
                .put("name", name)
                .put("group", group)
                .put("kind", kind)
                .set("causes", causeNodes);
        return status.toString();
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
