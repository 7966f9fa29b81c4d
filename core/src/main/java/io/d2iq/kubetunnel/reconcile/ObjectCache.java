package io.d2iq.kubetunnel.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * A watch cache the reconciler reads its children from instead of GETting each one. It may lag the API
 * server, so the reconciler builds what it writes fresh and treats a conflict as "read again from the server".
 */
public interface ObjectCache {

    /** No cache: every read goes to the API server. */
    ObjectCache NONE = new ObjectCache() {
        @Override
        public boolean covers(Class<? extends HasMetadata> type, String namespace) {
            return false;
        }

        @Override
        public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
            return null;
        }

        @Override
        public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
            return List.of();
        }
    };

    /** Whether the cache holds the objects of {@code type} in {@code namespace} (else ask the server). */
    boolean covers(Class<? extends HasMetadata> type, String namespace);

    /** A copy of the cached object, or null when the cache has none. */
    <T extends HasMetadata> T get(Class<T> type, String namespace, String name);

    /** Copies of the cached objects of {@code type} in {@code namespace}; empty where it does not {@link #covers} them. */
    <T extends HasMetadata> List<T> list(Class<T> type, String namespace);
}
