package io.d2iq.kubetunnel.local;

import java.util.List;
import java.util.Set;

/**
 * The built-in resource types discovery announces: what kubetunnel, its tests and everyday kubectl use.
 * The mock stores any path, so this list only decides what kubectl can name.
 */
final class BuiltInResources {

    /** The types a real API server puts in category {@code all} (of those below; declared first, as ALL's initialiser reads it). */
    private static final Set<String> IN_CATEGORY_ALL =
            Set.of("pods", "services", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs");

    static final List<ResourceType> ALL = List.of(
            core("namespaces", "Namespace", false, true, "ns"),
            core("pods", "Pod", true, true, "po"),
            core("services", "Service", true, true, "svc"),
            core("endpoints", "Endpoints", true, false, "ep"),
            core("configmaps", "ConfigMap", true, false, "cm"),
            core("secrets", "Secret", true, false),
            core("serviceaccounts", "ServiceAccount", true, false, "sa"),
            core("events", "Event", true, false, "ev"),
            core("nodes", "Node", false, true, "no"),
            core("persistentvolumeclaims", "PersistentVolumeClaim", true, true, "pvc"),
            type("apps", "deployments", "Deployment", true, true, "deploy"),
            type("apps", "statefulsets", "StatefulSet", true, true, "sts"),
            type("apps", "daemonsets", "DaemonSet", true, true, "ds"),
            type("apps", "replicasets", "ReplicaSet", true, true, "rs"),
            type("batch", "jobs", "Job", true, true),
            type("networking.k8s.io", "ingresses", "Ingress", true, true, "ing"),
            type("networking.k8s.io", "ingressclasses", "IngressClass", false, false),
            type("networking.k8s.io", "networkpolicies", "NetworkPolicy", true, false, "netpol"),
            type("rbac.authorization.k8s.io", "roles", "Role", true, false),
            type("rbac.authorization.k8s.io", "rolebindings", "RoleBinding", true, false),
            type("rbac.authorization.k8s.io", "clusterroles", "ClusterRole", false, false),
            type("rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", false, false),
            type("coordination.k8s.io", "leases", "Lease", true, false),
            type(
                    "apiextensions.k8s.io",
                    "customresourcedefinitions",
                    "CustomResourceDefinition",
                    false,
                    true,
                    "crd",
                    "crds"));

    private BuiltInResources() {}

    private static ResourceType core(
            String plural, String kind, boolean namespaced, boolean hasStatus, String... shortNames) {
        return type("", plural, kind, namespaced, hasStatus, shortNames);
    }

    private static ResourceType type(
            String group, String plural, String kind, boolean namespaced, boolean hasStatus, String... shortNames) {
        return new ResourceType(
                group,
                "v1",
                plural,
                kind.toLowerCase(java.util.Locale.ROOT),
                kind,
                namespaced,
                List.of(shortNames),
                IN_CATEGORY_ALL.contains(plural) ? List.of("all") : List.of(),
                hasStatus);
    }
}
