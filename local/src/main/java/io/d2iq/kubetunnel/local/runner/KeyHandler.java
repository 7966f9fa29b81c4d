package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** An informer event is only a trigger: it hands on the object's {@code namespace/name} key. */
final class KeyHandler<T extends HasMetadata> implements ResourceEventHandler<T> {

    private final Consumer<String> trigger;

    KeyHandler(Consumer<String> trigger) {
        this.trigger = trigger;
    }

    /** Watches {@code kind} and runs {@code sync(key)} on {@code loop} (the runner's) for every event. */
    static <T extends HasMetadata> SharedIndexInformer<T> syncOnLoop(
            Informable<T> kind, Executor loop, Consumer<String> sync) {
        return kind.inform(new KeyHandler<>(key -> loop.execute(() -> sync.accept(key))));
    }

    /**
     * The same, and every {@code resync} for each key in the cache and each {@code tracked} key the cache no longer
     * holds: level-triggered, so a process that died or an object deleted between events is still seen to.
     */
    static <T extends HasMetadata> SharedIndexInformer<T> syncOnLoop(
            Informable<T> kind,
            RunnerLoop loop,
            Consumer<String> sync,
            Duration resync,
            Supplier<Collection<String>> tracked) {
        SharedIndexInformer<T> informer = syncOnLoop(kind, loop, sync);
        loop.every(resync, () -> {
            informer.getStore().listKeys().forEach(sync);
            tracked.get().stream()
                    .filter(key -> informer.getStore().getByKey(key) == null)
                    .toList()
                    .forEach(sync);
        });
        return informer;
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
