package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The discovery documents ({@code /version}, {@code /api}, {@code /apis}, per group-version resource lists)
 * the mock does not serve: built-in types plus one entry per served version of every stored CRD. Only the
 * legacy (non-aggregated) format: client-go falls back to it when the answer is plain application/json.
 */
final class Discovery {

    /** The Kubernetes version we claim; recent enough that kubectl 1.20 to current accept it. */
    static final String KUBERNETES_MINOR = "32";

    private final StoredCrds crds;

    Discovery(StoredCrds crds) {
        this.crds = crds;
    }

    /** The document for a discovery path, or null when the path is not one. */
    String answer(String path) throws IOException, InterruptedException {
        List<String> parts = List.of(path.replaceAll("^/+|/+$", "").split("/"));
        if (path.equals("/version") || path.equals("/version/")) {
            return version();
        }
        if (parts.get(0).equals("api")) {
            if (parts.size() == 1) {
                return apiVersions();
            }
            return parts.size() == 2 ? resourceList("", parts.get(1)) : null;
        }
        if (parts.get(0).equals("apis")) {
            switch (parts.size()) {
                case 1:
                    return groupList().toString();
                case 2:
                    return group(parts.get(1));
                case 3:
                    return resourceList(parts.get(1), parts.get(2));
                default:
                    return null;
            }
        }
        return null;
    }

    /** Every resource type discovery announces now. */
    /** The type a resource path names, if discovery announces it. */
    Optional<ResourceType> type(ApiPath path) throws IOException, InterruptedException {
        if (path == null) {
            return Optional.empty();
        }
        return types().stream()
                .filter(t -> t.group().equals(path.group())
                        && t.version().equals(path.version())
                        && t.plural().equals(path.plural()))
                .findFirst();
    }

    List<ResourceType> types() throws IOException, InterruptedException {
        List<ResourceType> types = new ArrayList<>(BuiltInResources.ALL);
        crds.versions().forEach(v -> types.add(v.type()));
        return types;
    }

    private static String version() {
        return ApiStatus.JSON
                .createObjectNode()
                .put("major", "1")
                .put("minor", KUBERNETES_MINOR)
                .put("gitVersion", "v1." + KUBERNETES_MINOR + ".0-kubetunnel-local-api")
                .put("gitCommit", "")
                .put("gitTreeState", "clean")
                .put("buildDate", "1970-01-01T00:00:00Z")
                .put("goVersion", "n/a")
                .put("compiler", "n/a")
                .put("platform", "linux/amd64")
                .toString();
    }

    private static String apiVersions() {
        ObjectNode versions = ApiStatus.JSON.createObjectNode().put("kind", "APIVersions");
        versions.putArray("versions").add("v1");
        versions.putArray("serverAddressByClientCIDRs");
        return versions.toString();
    }

    private ObjectNode groupList() throws IOException, InterruptedException {
        Map<String, Set<String>> versionsByGroup = new LinkedHashMap<>();
        for (ResourceType type : types()) {
            if (!type.group().isEmpty()) {
                versionsByGroup
                        .computeIfAbsent(type.group(), g -> new LinkedHashSet<>())
                        .add(type.version());
            }
        }
        ObjectNode list =
                ApiStatus.JSON.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = list.putArray("groups");
        versionsByGroup.forEach((name, versions) -> groups.add(group(name, versions)));
        return list;
    }

    private String group(String name) throws IOException, InterruptedException {
        for (var group : groupList().path("groups")) {
            if (group.path("name").asText().equals(name)) {
                return ((ObjectNode) group)
                        .put("kind", "APIGroup")
                        .put("apiVersion", "v1")
                        .toString();
            }
        }
        return null;
    }

    private static ObjectNode group(String name, Set<String> versions) {
        ObjectNode group = ApiStatus.JSON.createObjectNode().put("name", name);
        ArrayNode list = group.putArray("versions");
        versions.forEach(
                v -> list.addObject().put("groupVersion", name + "/" + v).put("version", v));
        group.set("preferredVersion", list.get(0).deepCopy());
        return group;
    }

    private String resourceList(String group, String version) throws IOException, InterruptedException {
        List<ResourceType> matching = types().stream()
                .filter(t -> t.group().equals(group) && t.version().equals(version))
                .toList();
        if (matching.isEmpty()) {
            return null;
        }
        ObjectNode list = ApiStatus.JSON
                .createObjectNode()
                .put("kind", "APIResourceList")
                .put("apiVersion", "v1")
                .put("groupVersion", matching.get(0).groupVersion());
        ArrayNode resources = list.putArray("resources");
        for (ResourceType type : matching) {
            ObjectNode resource = resources
                    .addObject()
                    .put("name", type.plural())
                    .put("singularName", type.singular())
                    .put("namespaced", type.namespaced())
                    .put("kind", type.kind());
            ResourceType.VERBS.forEach(resource.putArray("verbs")::add);
            if (!type.shortNames().isEmpty()) {
                type.shortNames().forEach(resource.putArray("shortNames")::add);
            }
            if (!type.categories().isEmpty()) {
                type.categories().forEach(resource.putArray("categories")::add);
            }
            if (type.hasStatus()) {
                ObjectNode status = resources
                        .addObject()
                        .put("name", type.plural() + "/status")
                        .put("singularName", "")
                        .put("namespaced", type.namespaced())
                        .put("kind", type.kind());
                ResourceType.STATUS_VERBS.forEach(status.putArray("verbs")::add);
            }
        }
        return list.toString();
    }
}
