package io.d2iq.kubetunnel.camel;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The caches of the running informers, for readers that would otherwise GET what a watch already delivered.
 * Bind one in the registry and every informer consumer of the context registers its informer here while it runs.
 * A cache counts only once its informer has synced; it may lag the API server by the events still in flight,
 * and an informer with a label selector holds only the objects that carry the label.
 */
public final class InformerCaches {

    /** One running informer and the scope it watches ("" namespace: all). */
    record RunningInformer(
            String apiVersion,
            String kind,
            String namespace,
            SharedIndexInformer<GenericKubernetesResource> informer) {}

    private final Set<RunningInformer> running = ConcurrentHashMap.newKeySet();

    void add(RunningInformer informer) {
        running.add(informer);
    }

    void remove(SharedIndexInformer<GenericKubernetesResource> informer) {
        running.removeIf(entry -> entry.informer() == informer);
    }

    /** Whether a synced informer watches objects of {@code apiVersion kind} in {@code namespace}. */
    public boolean covers(String apiVersion, String kind, String namespace) {
        return covering(apiVersion, kind, namespace).isPresent();
    }

    /** The cached object (a shared instance: read it, never change it), or null. */
    public GenericKubernetesResource get(String apiVersion, String kind, String namespace, String name) {
        return covering(apiVersion, kind, namespace)
                .map(entry -> entry.informer().getStore().getByKey(namespace + "/" + name))
                .orElse(null);
    }

    /** The cached objects in {@code namespace} (shared instances: read them, never change them); empty if none covers it. */
    public List<GenericKubernetesResource> list(String apiVersion, String kind, String namespace) {
        return covering(apiVersion, kind, namespace)
                .map(entry -> entry.informer().getStore().list().stream()
                        .filter(cached -> namespace.equals(cached.getMetadata().getNamespace()))
                        .toList())
                .orElse(List.of());
    }

    private Optional<RunningInformer> covering(String apiVersion, String kind, String namespace) {
        return running.stream()
                .filter(entry -> entry.apiVersion().equals(apiVersion)
                        && entry.kind().equals(kind)
                        && (entry.namespace().isBlank() || entry.namespace().equals(namespace))
                        && entry.informer().hasSynced())
                .findFirst();
    }
}
