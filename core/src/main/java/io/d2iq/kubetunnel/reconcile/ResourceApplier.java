package io.d2iq.kubetunnel.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.HttpURLConnection;
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
    private static final Set<String> FOREIGN_ANNOTATION_DOMAINS =
            Set.of("deployment.kubernetes.io", "kubectl.kubernetes.io", "kubernetes.io");

    private final KubernetesClient client;
    private final ObjectCache cache;

    public ResourceApplier(KubernetesClient client, ObjectCache cache) {
        this.client = client;
        this.cache = cache;
    }

    /** What an apply did, and the object as the server has it afterwards (null once deleted or never wanted). */
    public record Applied<T>(ApplyResult result, T object) {}

    /**
     * Creates, updates, deletes or leaves the object, and says which. The current object comes from the cache
     * when it covers the type; a cache that lags shows as a conflict on create or update, answered by reading
     * the object from the server and deciding again. What is written is always {@code desired}, never the cached object.
     */
    public <T extends HasMetadata> Applied<T> apply(Class<T> type, String namespace, String name, T desired) {
        if (desired == null) {
            if (read(type, namespace, name) == null) {
                return new Applied<>(ApplyResult.NOOP, null);
            }
            client.resources(type).inNamespace(namespace).withName(name).delete();
            return new Applied<>(ApplyResult.DELETED, null);
        }
        boolean fromCache = cache.covers(type, namespace);
        T current = fromCache ? cache.get(type, namespace, name) : read(type, namespace, name);
        if (current == null) {
            try {
                return new Applied<>(
                        ApplyResult.CREATED,
                        client.resources(type)
                                .inNamespace(namespace)
                                .resource(desired)
                                .create());
            } catch (KubernetesClientException e) {
                current = fromCache && e.getCode() == HttpURLConnection.HTTP_CONFLICT
                        ? read(type, namespace, name)
                        : null;
                if (current == null) {
                    throw e;
                }
                fromCache = false;
            }
        }
        return updateIfDifferent(type, namespace, name, desired, current, fromCache);
    }

    private <T extends HasMetadata> Applied<T> updateIfDifferent(
            Class<T> type, String namespace, String name, T desired, T current, boolean fromCache) {
        if (DesiredStateDiff.isSatisfiedBy(desired, current)) {
            return new Applied<>(ApplyResult.NOOP, current);
        }
        T update = Serialization.clone(desired);
        keepServerOwnedFields(update, current);
        try {
            return new Applied<>(
                    ApplyResult.UPDATED,
                    client.resources(type)
                            .inNamespace(namespace)
                            .resource(update)
                            .update());
        } catch (KubernetesClientException e) {
            T fresh = fromCache && e.getCode() == HttpURLConnection.HTTP_CONFLICT ? read(type, namespace, name) : null;
            if (fresh == null) {
                throw e;
            }
            return updateIfDifferent(type, namespace, name, desired, fresh, false);
        }
    }

    private <T extends HasMetadata> T read(Class<T> type, String namespace, String name) {
        return client.resources(type).inNamespace(namespace).withName(name).get();
    }

    /** Copies into {@code desired} what the server or other controllers own, so an update does not fight them. */
    private static void keepServerOwnedFields(HasMetadata desired, HasMetadata current) {
        desired.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
        boolean filledByOthers = isFilledByOthers(desired, current);
        Map<String, String> annotations = new LinkedHashMap<>();
        if (current.getMetadata().getAnnotations() != null) {
            current.getMetadata().getAnnotations().forEach((key, value) -> {
                if (filledByOthers || FOREIGN_ANNOTATION_DOMAINS.contains(domainOf(key))) {
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
        if (filledByOthers) {
            ((Secret) desired).setData(((Secret) current).getData());
        }
    }

    /**
     * Whether {@code desired} is a Secret we create without data for someone else to fill (the webhook fills the
     * kubeconfig Secret): its data and the annotations written with it are not ours to clear. (fabric8's builder
     * leaves an empty map, not null, when we set no data.)
     */
    private static boolean isFilledByOthers(HasMetadata desired, HasMetadata current) {
        return desired instanceof Secret secret
                && current instanceof Secret
                && (secret.getData() == null || secret.getData().isEmpty());
    }

    private static String domainOf(String annotationKey) {
        int slash = annotationKey.indexOf('/');
        return slash < 0 ? "" : annotationKey.substring(0, slash);
    }
}
