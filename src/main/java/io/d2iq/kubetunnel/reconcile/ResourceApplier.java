package io.d2iq.kubetunnel.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one apply verb: make the object {@code namespace/name} of a type be {@code desired}, where null
 * means "must not exist". Writes use create, delete and update with the current resourceVersion (a
 * concurrent change makes the update fail with a conflict, and the work queue retries); nothing here
 * depends on server-side apply, which the embedded API lacks.
 */
public final class ResourceApplier {

    /** Annotation domains that other controllers own on our objects (e.g. a Deployment's revision). */
    private static final Set<String> FOREIGN_ANNOTATION_DOMAINS = Set.of("deployment.kubernetes.io", "kubectl.kubernetes.io", "kubernetes.io");

    private final KubernetesClient client;

    public ResourceApplier(KubernetesClient client) {
        this.client = client;
    }

    /** Creates, updates, deletes or leaves the object, and says which. */
    public <T extends HasMetadata> ApplyResult apply(Class<T> type, String namespace, String name, T desired) {
        T current = client.resources(type).inNamespace(namespace).withName(name).get();
        if (desired == null) {
            if (current == null) {
                return ApplyResult.NOOP;
            }
            client.resources(type).inNamespace(namespace).withName(name).delete();
            return ApplyResult.DELETED;
        }
        if (current == null) {
            client.resources(type).inNamespace(namespace).resource(desired).create();
            return ApplyResult.CREATED;
        }
        if (DesiredStateDiff.isSatisfiedBy(desired, current)) {
            return ApplyResult.NOOP;
        }
        keepServerOwnedFields(desired, current);
        client.resources(type).inNamespace(namespace).resource(desired).update();
        return ApplyResult.UPDATED;
    }

    /** Copies into {@code desired} what the server or other controllers own, so an update does not fight them. */
    private static void keepServerOwnedFields(HasMetadata desired, HasMetadata current) {
        desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        Map<String, String> annotations = new LinkedHashMap<>();
        if (current.getMetadata().getAnnotations() != null) {
            current.getMetadata().getAnnotations().forEach((key, value) -> {
                if (FOREIGN_ANNOTATION_DOMAINS.contains(domainOf(key))) {
                    annotations.put(key, value);
                }
            });
        }
        if (desired.getMetadata().getAnnotations() != null) {
            annotations.putAll(desired.getMetadata().getAnnotations());
        }
        desired.getMetadata().setAnnotations(annotations.isEmpty() ? null : annotations);
        if (desired instanceof Service service && current instanceof Service existing && existing.getSpec() != null) {
            service.getSpec().setClusterIP(existing.getSpec().getClusterIP());
            service.getSpec().setClusterIPs(existing.getSpec().getClusterIPs());
        }
        if (desired instanceof Secret secret && current instanceof Secret existing && (secret.getData() == null || secret.getData().isEmpty())) {
            // The token controller fills service-account-token Secrets; their data is not ours to clear
            // (fabric8's builder leaves an empty map, not null, when we set none).
            secret.setData(existing.getData());
        }
    }

    private static String domainOf(String annotationKey) {
        int slash = annotationKey.indexOf('/');
        return slash < 0 ? "" : annotationKey.substring(0, slash);
    }
}
