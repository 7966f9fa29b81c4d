package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Minimal OpenAPI documents, just enough for kubectl's validation step:
 * <ul>
 * <li>v3 ({@code /openapi/v3}, kubectl 1.27+): per group-version, a PATCH operation per kind that accepts the
 * {@code fieldValidation} query parameter, so kubectl leaves validation to the server (us), plus the CRD
 * schemas for {@code kubectl explain}.</li>
 * <li>v2 ({@code /openapi/v2}, kubectl 1.20): a document without definitions, so client-side validation finds no
 * schema and passes. kubectl asks for protobuf and cannot parse JSON, so we answer the same tiny document in
 * protobuf then.</li>
 * </ul>
 */
final class OpenApi {

    /** The type the real server answers with (the Accept header spells it with "@v1.0", which Go cannot parse back). */
    static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private static final String TITLE = "kubetunnel local-api";

    private final Discovery discovery;
    private final StoredCrds crds;

    OpenApi(Discovery discovery, StoredCrds crds) {
        this.discovery = discovery;
        this.crds = crds;
    }

    /** The answer for an OpenAPI path, or null when the path is not one. */
    LocalResponse answer(String path, String accept) throws IOException, InterruptedException {
        if (path.equals("/openapi/v2")) {
            if (accept != null && accept.contains("protobuf")) {
                return new LocalResponse(200, V2_PROTOBUF, v2Protobuf());
            }
            return LocalResponse.json(200, v2Json());
        }
        if (path.equals("/openapi/v3")) {
            return LocalResponse.json(200, v3Index());
        }
        if (path.startsWith("/openapi/v3/")) {
            String document = v3Documents().get(path.substring("/openapi/v3/".length()));
            return document == null ? null : LocalResponse.json(200, document);
        }
        return null;
    }

    private static String v2Json() {
        ObjectNode document = ApiStatus.JSON.createObjectNode().put("swagger", "2.0");
        document.putObject("info").put("title", TITLE).put("version", "v1." + Discovery.KUBERNETES_MINOR);
        document.putObject("paths");
        document.putObject("definitions");
        return document.toString();
    }

    /** gnostic's openapi_v2.Document with only swagger (field 1) and info (field 2: title 1, version 2). */
    private static byte[] v2Protobuf() {
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        writeString(info, 1, TITLE);
        writeString(info, 2, "v1." + Discovery.KUBERNETES_MINOR);
        ByteArrayOutputStream document = new ByteArrayOutputStream();
        writeString(document, 1, "2.0");
        writeBytes(document, 2, info.toByteArray());
        return document.toByteArray();
    }

    private static void writeString(ByteArrayOutputStream out, int field, String value) {
        writeBytes(out, field, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBytes(ByteArrayOutputStream out, int field, byte[] value) {
        out.write(field << 3 | 2); // wire type 2: length-delimited
        int length = value.length;
        while (length >= 0x80) {
            out.write(length & 0x7f | 0x80);
            length >>>= 7;
        }
        out.write(length);
        out.writeBytes(value);
    }

    private String v3Index() throws IOException, InterruptedException {
        ObjectNode index = ApiStatus.JSON.createObjectNode();
        ObjectNode paths = index.putObject("paths");
        v3Documents()
                .forEach((groupVersion, document) -> paths.putObject(groupVersion)
                        .put("serverRelativeURL", "/openapi/v3/" + groupVersion + "?hash=" + sha256(document)));
        return index.toString();
    }

    /** One document per group-version, keyed as in the index ({@code api/v1}, {@code apis/GROUP/VERSION}). */
    private Map<String, String> v3Documents() throws IOException, InterruptedException {
        Map<String, JsonNode> schemas = new LinkedHashMap<>();
        for (StoredCrds.Version version : crds.versions()) {
            schemas.put(version.type().groupVersion() + "/" + version.type().kind(), version.schema());
        }
        Map<String, List<ResourceType>> byGroupVersion = discovery.types().stream()
                .collect(Collectors.groupingBy(ResourceType::groupVersion, LinkedHashMap::new, Collectors.toList()));
        Map<String, String> documents = new LinkedHashMap<>();
        byGroupVersion.forEach((groupVersion, types) -> documents.put(
                (types.get(0).group().isEmpty() ? "api/" : "apis/") + groupVersion, v3Document(types, schemas)));
        return documents;
    }

    private static String v3Document(List<ResourceType> types, Map<String, JsonNode> schemas) {
        ObjectNode document = ApiStatus.JSON.createObjectNode().put("openapi", "3.0.0");
        document.putObject("info").put("title", TITLE).put("version", "v1." + Discovery.KUBERNETES_MINOR);
        ObjectNode paths = document.putObject("paths");
        ObjectNode components = document.putObject("components").putObject("schemas");
        for (ResourceType type : types) {
            ObjectNode patch = paths.putObject(objectPath(type)).putObject("patch");
            patch.set("x-kubernetes-group-version-kind", gvk(type));
            patch.put("x-kubernetes-action", "patch");
            patch.putArray("parameters")
                    .addObject()
                    .put("name", "fieldValidation")
                    .put("in", "query")
                    .putObject("schema")
                    .put("type", "string");
            patch.putObject("responses").putObject("200").put("description", "OK");
            JsonNode schema = schemas.get(type.groupVersion() + "/" + type.kind());
            if (schema != null && schema.isObject()) {
                ObjectNode component = schema.deepCopy();
                component.putArray("x-kubernetes-group-version-kind").add(gvk(type));
                components.set(type.groupVersion().replace('/', '.') + "." + type.kind(), component);
            }
        }
        return document.toString();
    }

    private static String objectPath(ResourceType type) {
        String prefix = type.group().isEmpty() ? "/api/" : "/apis/";
        return prefix + type.groupVersion() + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural()
                + "/{name}";
    }

    private static ObjectNode gvk(ResourceType type) {
        return ApiStatus.JSON
                .createObjectNode()
                .put("group", type.group())
                .put("version", type.version())
                .put("kind", type.kind());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
