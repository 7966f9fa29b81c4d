package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Server-side printing for custom resources: when kubectl asks for a {@code meta.k8s.io/v1} Table, the CRD's
 * additionalPrinterColumns become columns (after Name), as the real server does, so {@code kubectl get} shows
 * e.g. State and Gateway. Column paths are simple field paths ({@code .status.state}), which is what CRDs use.
 */
final class Tables {

    private final Clock clock;

    Tables(Clock clock) {
        this.clock = clock;
    }

    /** Whether an Accept header asks for a meta.k8s.io/v1 Table. */
    static boolean wanted(String accept) {
        return accept != null
                && accept.contains("as=Table")
                && accept.contains("v=v1;")
                && accept.contains("g=meta.k8s.io");
    }

    /** A Table of one object or of a list's items. */
    ObjectNode of(JsonNode objectOrList, JsonNode printerColumns) {
        ObjectNode table =
                ApiStatus.JSON.createObjectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata")
                .put(
                        "resourceVersion",
                        objectOrList.path("metadata").path("resourceVersion").asText(""));
        ArrayNode definitions = table.putArray("columnDefinitions");
        definitions
                .addObject()
                .put("name", "Name")
                .put("type", "string")
                .put("format", "name")
                .put("description", "Name")
                .put("priority", 0);
        JsonNode columns = columns(printerColumns);
        for (JsonNode column : columns) {
            definitions
                    .addObject()
                    .put("name", column.path("name").asText())
                    .put("type", column.path("type").asText("string"))
                    .put("format", column.path("format").asText(""))
                    .put("description", column.path("description").asText(""))
                    .put("priority", column.path("priority").asInt(0));
        }
        ArrayNode rows = table.putArray("rows");
        if (objectOrList.has("items")) {
            objectOrList.path("items").forEach(item -> rows.add(row(item, columns)));
        } else {
            rows.add(row(objectOrList, columns));
        }
        return table;
    }

    private static JsonNode columns(JsonNode printerColumns) {
        if (printerColumns != null && printerColumns.isArray() && !printerColumns.isEmpty()) {
            return printerColumns;
        }
        // the real server's default when a CRD declares none
        ArrayNode age = ApiStatus.JSON.createArrayNode();
        age.addObject().put("name", "Age").put("type", "date").put("jsonPath", ".metadata.creationTimestamp");
        return age;
    }

    private ObjectNode row(JsonNode object, JsonNode columns) {
        ObjectNode row = ApiStatus.JSON.createObjectNode();
        ArrayNode cells = row.putArray("cells");
        cells.add(object.path("metadata").path("name").asText());
        for (JsonNode column : columns) {
            JsonNode value = at(object, column.path("jsonPath").asText());
            if (value.isMissingNode() || value.isNull()) {
                cells.addNull();
            } else if ("date".equals(column.path("type").asText())) {
                cells.add(age(value.asText()));
            } else {
                cells.add(value.isContainerNode() ? ApiStatus.JSON.valueToTree(value.toString()) : value);
            }
        }
        ObjectNode partial =
                row.putObject("object").put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", object.path("metadata").deepCopy());
        return row;
    }

    /** One step of a printer column's path: a field, optionally filtering a list, {@code conditions[?(@.type=="Ready")]}. */
    private static final Pattern STEP =
            Pattern.compile("\\.([A-Za-z0-9_-]+)(?:\\[\\?\\(@\\.([A-Za-z0-9_-]+)==[\"']([^\"']*)[\"']\\)])?");

    private static JsonNode at(JsonNode object, String jsonPath) {
        JsonNode node = object;
        Matcher step = STEP.matcher(jsonPath.replaceFirst("^\\{", "").replaceFirst("}$", ""));
        while (step.find()) {
            node = node.path(step.group(1));
            if (step.group(2) != null) {
                node = first(node, step.group(2), step.group(3));
            }
        }
        return node;
    }

    private static JsonNode first(JsonNode list, String field, String value) {
        for (JsonNode element : list) {
            if (value.equals(element.path(field).asText())) {
                return element;
            }
        }
        return MissingNode.getInstance();
    }

    /** kubectl's short human durations: 45s, 3m20s, 25m, 5h10m, 3d4h, 120d. */
    String age(String timestamp) {
        Duration age;
        try {
            age = Duration.between(Instant.parse(timestamp), clock.instant());
        } catch (DateTimeParseException e) {
            return "<invalid>";
        }
        long seconds = Math.max(0, age.toSeconds());
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            return seconds % 60 == 0 ? minutes + "m" : minutes + "m" + seconds % 60 + "s";
        }
        long hours = minutes / 60;
        if (hours < 3) {
            return minutes + "m";
        }
        if (hours < 8) {
            return minutes % 60 == 0 ? hours + "h" : hours + "h" + minutes % 60 + "m";
        }
        long days = hours / 24;
        if (hours < 48) {
            return hours + "h";
        }
        if (days < 8) {
            return hours % 24 == 0 ? days + "d" : days + "d" + hours % 24 + "h";
        }
        return days + "d";
    }
}
