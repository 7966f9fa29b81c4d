package io.d2iq.kubetunnel.local;

import java.util.List;

/**
 * One resource type as discovery announces it.
 *
 * @param group      API group, empty for core
 * @param version    API version
 * @param plural     resource name
 * @param singular   singular name
 * @param kind       kind
 * @param namespaced whether objects live in a namespace
 * @param shortNames kubectl short names
 * @param categories groups kubectl can name instead ({@code kubectl get all})
 * @param hasStatus  whether a {@code <plural>/status} subresource exists
 */
record ResourceType(
        String group,
        String version,
        String plural,
        String singular,
        String kind,
        boolean namespaced,
        List<String> shortNames,
        List<String> categories,
        boolean hasStatus) {

    /** Every verb the mock can serve; kubectl checks {@code watch} and {@code patch} before using them. */
    static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    static final List<String> STATUS_VERBS = List.of("get", "patch", "update");

    String groupVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
