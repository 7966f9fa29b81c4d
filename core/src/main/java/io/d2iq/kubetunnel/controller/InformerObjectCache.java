package io.d2iq.kubetunnel.controller;

import io.d2iq.kubetunnel.camel.InformerCaches;
import io.d2iq.kubetunnel.reconcile.ObjectCache;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

/** The reconciler's {@link ObjectCache} over the informers the controller's routes already run. */
final class InformerObjectCache implements ObjectCache {

    private final InformerCaches caches;

    InformerObjectCache(InformerCaches caches) {
        this.caches = caches;
    }

    @Override
    public boolean covers(Class<? extends HasMetadata> type, String namespace) {
        return caches.covers(HasMetadata.getApiVersion(type), HasMetadata.getKind(type), namespace);
    }

    @Override
    public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        GenericKubernetesResource cached =
                caches.get(HasMetadata.getApiVersion(type), HasMetadata.getKind(type), namespace, name);
        return cached == null ? null : typedCopy(cached, type);
    }

    @Override
    public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
        return caches.list(HasMetadata.getApiVersion(type), HasMetadata.getKind(type), namespace).stream()
                .map(cached -> typedCopy(cached, type))
                .toList();
    }

    /** A typed copy: the cached instance is shared with the informer and must stay untouched. */
    private static <T extends HasMetadata> T typedCopy(GenericKubernetesResource cached, Class<T> type) {
        return Serialization.jsonMapper().convertValue(cached, type);
    }
}
