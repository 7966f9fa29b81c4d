package io.d2iq.kubetunnel.deploy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What RBAC must allow for one API request: API group, resource (with subresource, e.g.
 * {@code tunnelconnectors/status}) and verb, plus the namespace it was made in.
 */
record ApiPermission(String group, String resource, String verb, String namespace) {

    /** The permission a request needs, or empty for a non-resource URL such as /version or discovery. */
    static Optional<ApiPermission> of(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q + 1);
        List<String> segments =
                Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        int rest;
        String group;
        if (segments.size() >= 3 && segments.get(0).equals("api")) {
            group = "";
            rest = 2;
        } else if (segments.size() >= 4 && segments.get(0).equals("apis")) {
            group = segments.get(1);
            rest = 3;
        } else {
            return Optional.empty();
        }
        String namespace = null;
        List<String> tail = segments.subList(rest, segments.size());
        if (tail.size() >= 3 && tail.get(0).equals("namespaces")) {
            namespace = tail.get(1);
            tail = tail.subList(2, tail.size());
        }
        String resource = tail.get(0) + (tail.size() > 2 ? "/" + tail.get(2) : "");
        boolean named = tail.size() > 1;
        String verb = switch (method) {
            case "GET" -> named ? "get" : query.contains("watch=true") ? "watch" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> throw new IllegalArgumentException("unexpected method " + method + " " + pathAndQuery);
        };
        return Optional.of(new ApiPermission(group, resource, verb, namespace));
    }

    /** The same permission without the namespace, as a ClusterRole rule grants it. */
    String rule() {
        return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
    }
}
