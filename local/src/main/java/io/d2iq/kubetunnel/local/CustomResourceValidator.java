package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates a custom resource against its CRD's openAPIV3Schema, as the API server does, with networknt's
 * JSON-schema validator (draft 4 is the dialect OpenAPI 3.0 schemas are built on; the {@code x-kubernetes-*}
 * and {@code nullable} keywords are ignored). Returns causes named by field path, e.g. {@code spec.proxyPort}.
 */
final class CustomResourceValidator {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.LEGACY)
            .locale(Locale.ROOT)
            .build();

    private final Map<String, JsonSchema> compiled = new ConcurrentHashMap<>();

    /** The violations of {@code object} against {@code openApiV3Schema}; empty when valid or when there is no schema. */
    List<ApiStatus.Cause> validate(JsonNode openApiV3Schema, JsonNode object) {
        if (openApiV3Schema == null || !openApiV3Schema.isObject() || openApiV3Schema.isEmpty()) {
            return List.of();
        }
        JsonSchema schema =
                compiled.computeIfAbsent(openApiV3Schema.toString(), key -> FACTORY.getSchema(openApiV3Schema, CONFIG));
        return schema.validate(withoutNulls(object)).stream()
                .map(CustomResourceValidator::cause)
                .sorted(Comparator.comparing(ApiStatus.Cause::field))
                .toList();
    }

    /** The API server prunes null fields (not declared nullable) before validating; we prune them all. */
    static JsonNode withoutNulls(JsonNode node) {
        if (node.isObject()) {
            ObjectNode pruned = ApiStatus.JSON.createObjectNode();
            node.fields().forEachRemaining(field -> {
                if (!field.getValue().isNull()) {
                    pruned.set(field.getKey(), withoutNulls(field.getValue()));
                }
            });
            return pruned;
        }
        if (node.isArray()) {
            ArrayNode copy = ApiStatus.JSON.createArrayNode();
            node.forEach(element -> copy.add(withoutNulls(element)));
            return copy;
        }
        return node;
    }

    private static ApiStatus.Cause cause(ValidationMessage message) {
        String location = message.getInstanceLocation().toString();
        String field = location.replaceFirst("^\\$\\.?", "");
        if ("required".equals(message.getType())) {
            String property = message.getProperty();
            return new ApiStatus.Cause(field.isEmpty() ? property : field + "." + property, "Required value");
        }
        String detail = message.getMessage().replaceFirst("^" + java.util.regex.Pattern.quote(location) + ":\\s*", "");
        return new ApiStatus.Cause(field, "Invalid value: " + message.getInstanceNode() + ": " + detail);
    }
}
