package io.d2iq.kubetunnel.camel;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer's store that keeps objects without {@code metadata.managedFields}: nothing in kubetunnel reads them,
 * and on a real API server they are most of a child object's bytes (a heap histogram of 1,000 connectors on
 * kube-apiserver: 435 MiB with them, docs/benchmarks.md "Controller scale"). The object is cleared before it is
 * stored, so the events the consumer hands to the route carry none either; an update never sends them back, and the
 * API server keeps what it has when a write omits the field.
 */
final class WithoutManagedFieldsStore extends BasicItemStore<GenericKubernetesResource> {

    WithoutManagedFieldsStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
        if (object.getMetadata() != null) {
            object.getMetadata().setManagedFields(null);
        }
        return super.put(key, object);
    }
}
