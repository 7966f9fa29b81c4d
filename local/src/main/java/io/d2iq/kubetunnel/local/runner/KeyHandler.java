package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.Consumer;

/** An informer event is only a trigger: it hands on the object's {@code namespace/name} key. */
final class KeyHandler<T extends HasMetadata> implements ResourceEventHandler<T> {

    private final Consumer<String> trigger;

    KeyHandler(Consumer<String> trigger) {
        this.trigger = trigger;
    }

    @Override
    public void onAdd(T object) {
        trigger.accept(Cache.metaNamespaceKeyFunc(object));
    }

    @Override
    public void onUpdate(T oldObject, T newObject) {
        trigger.accept(Cache.metaNamespaceKeyFunc(newObject));
    }

    @Override
    public void onDelete(T object, boolean deletedFinalStateUnknown) {
        trigger.accept(Cache.metaNamespaceKeyFunc(object));
    }
}
