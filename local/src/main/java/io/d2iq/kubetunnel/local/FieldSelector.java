package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A list's {@code fieldSelector} ({@code a.b=v,c!=w}, also {@code ==}), applied here on any dotted field path rather
 * than by the mock, which knows only {@code metadata.name}/{@code metadata.namespace}: {@code kubectl describe} finds
 * an object's Events with {@code involvedObject.name=...,involvedObject.namespace=...,involvedObject.uid=...}.
 * A field that is absent compares as the empty string, as on a real API server.
 */
record FieldSelector(List<Requirement> requirements) {

    record Requirement(String[] path, String value, boolean equal) {

        boolean matches(JsonNode object) {
            JsonNode node = object;
            for (String step : path) {
                node = node.path(step);
            }
            String actual = node.isValueNode() ? node.asText() : "";
            return actual.equals(value) == equal;
        }
    }

    static FieldSelector parse(String selector) {
        List<Requirement> requirements = new ArrayList<>();
        if (selector != null) {
            for (String term : selector.split(",")) {
                if (term.isBlank()) {
                    continue;
                }
                boolean equal = !term.contains("!=");
                String[] sides = term.split(equal ? "==?" : "!=", 2);
                requirements.add(
                        new Requirement(sides[0].trim().split("\\."), sides.length > 1 ? sides[1].trim() : "", equal));
            }
        }
        return new FieldSelector(List.copyOf(requirements));
    }

    boolean matches(JsonNode object) {
        return requirements.stream().allMatch(requirement -> requirement.matches(object));
    }

    boolean isEmpty() {
        return requirements.isEmpty();
    }
}
