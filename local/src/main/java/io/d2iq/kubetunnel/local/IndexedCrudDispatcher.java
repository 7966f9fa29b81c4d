package io.d2iq.kubetunnel.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesResponseComposer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import java.lang.reflect.Field;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.function.Supplier;

/**
 * fabric8's CRUD dispatcher (7.5.2) with a {@link StoreIndex} in front of its store. The mock finds objects by
 * testing every stored object against the request's attributes, so each request costs O(objects) and a
 * thousand connectors cost O(N^2); here GET, DELETE and the lookups of POST/PUT/PATCH test only the objects
 * of the request's kind (and namespace and name), with the mock's own matching, locking and write logic, so
 * answers, resourceVersions, generations, the status subresource and watch events stay the mock's.
 * Watches still replay the whole store once when they open, as the mock does.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {

    private final StoreIndex index = new StoreIndex();
    private final KubernetesResponseComposer lists = new KubernetesResponseComposer();
    private final AtomicLong lastResourceVersion = new AtomicLong();
    /** The mock's own lock, so the index changes exactly when its store does and is read under the same lock. */
    private final ReadWriteLock storeLock;

    IndexedCrudDispatcher() {
        try {
            Field lock = KubernetesCrudDispatcher.class.getDeclaredField("lock");
            lock.setAccessible(true);
            storeLock = (ReadWriteLock) lock.get(this);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(
                    "this fabric8 KubernetesCrudDispatcher has no ReadWriteLock 'lock'"
                            + " (IndexedCrudDispatcher is written against fabric8 7.5.2): " + e,
                    e);
        }
    }

    @Override
    public long requestResourceVersion() {
        long version = super.requestResourceVersion();
        lastResourceVersion.accumulateAndGet(version, Math::max);
        return version;
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
        Collection<Map.Entry<AttributeSet, String>> candidates = index.candidates(attributes);
        if (candidates == null) {
            return super.findResource(attributes);
        }
        return candidates.stream()
                .filter(entry -> entry.getKey().matches(attributes))
                .findFirst()
                .orElse(null);
    }

    @Override
    public void processEvent(
            String path,
            AttributeSet pathAttributes,
            AttributeSet oldAttributes,
            GenericKubernetesResource resource,
            String newState) {
        // the key the mock is about to store, computed as the mock does (before it may learn a new CRD)
        AttributeSet newAttributes = newState == null ? null : storedKey(pathAttributes, resource, newState);
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        if (oldAttributes != null) {
            index.remove(oldAttributes);
        }
        if (newAttributes != null) {
            index.put(newAttributes, newState);
        }
    }

    private AttributeSet storedKey(AttributeSet pathAttributes, GenericKubernetesResource resource, String newState) {
        AttributeSet key = resource != null
                ? kubernetesAttributes().extract(resource)
                : kubernetesAttributes().fromResource(newState);
        return key.containsKey("plural") ? key : AttributeSet.merge(pathAttributes, key);
    }

    private KubernetesAttributesExtractor kubernetesAttributes() {
        return (KubernetesAttributesExtractor) attributeExtractor;
    }

    @Override
    public MockResponse handleGet(String path) {
        if (isWatch(path)) {
            return super.handleGet(path);
        }
        MockResponse answer = locked(storeLock.readLock(), () -> {
            AttributeSet query = attributeExtractor.fromPath(path);
            List<Map.Entry<AttributeSet, String>> found = selected(query);
            // an empty list may be an API group's discovery document, which only the mock knows
            return found == null || found.isEmpty() && !query.containsKey("name") ? null : answer(query, found);
        });
        return answer != null ? answer : super.handleGet(path);
    }

    @Override
    public MockResponse handleDelete(String path) {
        MockResponse answer = locked(storeLock.writeLock(), () -> {
            AttributeSet query = attributeExtractor.fromPath(path);
            List<Map.Entry<AttributeSet, String>> found = selected(query);
            if (found == null) {
                return null;
            }
            found.forEach(entry -> delete(path, query, entry));
            return answer(query, found);
        });
        return answer != null ? answer : super.handleDelete(path);
    }

    /** The stored objects the query selects, or null when the index holds none of its kind (the mock answers). */
    private List<Map.Entry<AttributeSet, String>> selected(AttributeSet query) {
        Collection<Map.Entry<AttributeSet, String>> candidates = index.candidates(query);
        return candidates == null ? null : matching(candidates, query);
    }

    /** A query by name answers its object (404 when none matched), any other the list of what matched. */
    private MockResponse answer(AttributeSet query, List<Map.Entry<AttributeSet, String>> found) {
        if (query.containsKey("name")) {
            return found.isEmpty()
                    ? new MockResponse().setResponseCode(404)
                    : new MockResponse()
                            .setResponseCode(200)
                            .setBody(found.get(0).getValue());
        }
        return new MockResponse().setResponseCode(200).setBody(list(found));
    }

    @Override
    public void reset() {
        locked(storeLock.writeLock(), () -> {
            index.clear();
            return null;
        });
        super.reset();
    }

    /** The mock's delete: gone at once without finalizers, else marked with a deletionTimestamp (once). */
    private void delete(String path, AttributeSet query, Map.Entry<AttributeSet, String> entry) {
        GenericKubernetesResource resource = Serialization.unmarshal(entry.getValue(), GenericKubernetesResource.class);
        if (resource.getFinalizers().isEmpty()) {
            processEvent(path, query, entry.getKey(), null, null);
        } else if (!resource.isMarkedForDeletion()) {
            resource.getMetadata()
                    .setDeletionTimestamp(ZonedDateTime.now(ZoneOffset.UTC)
                            .truncatedTo(ChronoUnit.SECONDS)
                            .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
            resource.getMetadata().setResourceVersion(String.valueOf(requestResourceVersion()));
            processEvent(path, query, entry.getKey(), resource, Serialization.asJson(resource));
        }
    }

    private String list(List<Map.Entry<AttributeSet, String>> entries) {
        List<String> items = new ArrayList<>(entries.size());
        entries.forEach(entry -> items.add(entry.getValue()));
        return lists.compose(items, String.valueOf(lastResourceVersion.get()));
    }

    private static List<Map.Entry<AttributeSet, String>> matching(
            Collection<Map.Entry<AttributeSet, String>> candidates, AttributeSet query) {
        return candidates.stream()
                .filter(entry -> entry.getKey().matches(query))
                .toList();
    }

    /** The mock's own test for a watch request. */
    private static boolean isWatch(String path) {
        try {
            String query = new URI(path).getQuery();
            return query != null && query.contains("watch=true");
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static <T> T locked(Lock lock, Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
