package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;

/** The mock's resourceVersions are one global counter, so they compare as numbers. */
final class ResourceVersions {

    private ResourceVersions() {}

    /** An object's resourceVersion, or 0 when it has none. */
    static long of(JsonNode object) {
        return parse(object.path("metadata").path("resourceVersion").asText(""));
    }

    /** A resourceVersion parameter as a number; 0 (meaning "any") when absent or not a number. */
    static long parse(String value) {
        try {
            return value == null || value.isEmpty() ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
