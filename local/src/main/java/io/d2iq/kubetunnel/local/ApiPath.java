package io.d2iq.kubetunnel.local;

import java.util.Arrays;
import java.util.List;

/**
 * A resource path of the Kubernetes API, split into its parts:
 * {@code /api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]} or {@code /apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME[/SUB]]}.
 *
 * @param group       API group, empty for the core group
 * @param version     API version
 * @param namespace   namespace, or null for cluster-scoped requests
 * @param plural      resource (plural name)
 * @param name        object name, or null for collections
 * @param subresource subresource such as {@code status}, or null
 */
record ApiPath(String group, String version, String namespace, String plural, String name, String subresource) {

    private static final String NAMESPACES = "namespaces";

    /** Parses a path without query; null when it is not a resource path (discovery, OpenAPI, ...). */
    static ApiPath parse(String path) {
        List<String> parts =
                Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        int rest;
        String group;
        String version;
        if (parts.size() >= 3 && parts.get(0).equals("api")) {
            group = "";
            version = parts.get(1);
            rest = 2;
        } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            version = parts.get(2);
            rest = 3;
        } else {
            return null;
        }
        List<String> tail = parts.subList(rest, parts.size());
        // namespaces/NS/PLURAL... is namespaced unless it is namespaces/NS[/status|finalize] itself
        if (tail.size() >= 3 && tail.get(0).equals(NAMESPACES) && !isNamespaceSubresource(tail)) {
            return resource(group, version, tail.get(1), tail.subList(2, tail.size()));
        }
        return resource(group, version, null, tail);
    }

    private static boolean isNamespaceSubresource(List<String> tail) {
        return tail.size() == 3 && (tail.get(2).equals("status") || tail.get(2).equals("finalize"));
    }

    private static ApiPath resource(String group, String version, String namespace, List<String> tail) {
        if (tail.isEmpty() || tail.size() > 3) {
            return null;
        }
        return new ApiPath(
                group,
                version,
                namespace,
                tail.get(0),
                tail.size() > 1 ? tail.get(1) : null,
                tail.size() > 2 ? tail.get(2) : null);
    }

    /** {@code group/version}, or just the version for the core group, as in an object's apiVersion. */
    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    boolean isCollection() {
        return name == null;
    }

    boolean isStatus() {
        return "status".equals(subresource);
    }
}
