package io.d2iq.kubetunnel.local;

import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mock's stored objects grouped by resource plural, plural+namespace and plural+namespace+name, so a
 * request looks at the few objects that can match instead of every object. A bucket only narrows: callers
 * still apply the mock's own {@link AttributeSet#matches} to what it returns, so results stay identical.
 * Each bucket keeps the mock map's insertion order (same removes and puts), so lists keep their order too.
 */
final class StoreIndex {

    private static final String PLURAL = "plural";
    private static final String NAMESPACE = "namespace";
    private static final String NAME = "name";

    private final Map<String, Map<AttributeSet, String>> byPlural = new HashMap<>();
    private final Map<List<String>, Map<AttributeSet, String>> byNamespace = new HashMap<>();
    private final Map<List<String>, Map<AttributeSet, String>> byName = new HashMap<>();

    void put(AttributeSet key, String object) {
        String plural = value(key, PLURAL);
        if (plural == null) {
            return;
        }
        String namespace = orEmpty(value(key, NAMESPACE));
        byPlural.computeIfAbsent(plural, p -> new LinkedHashMap<>()).put(key, object);
        byNamespace
                .computeIfAbsent(List.of(plural, namespace), p -> new LinkedHashMap<>())
                .put(key, object);
        byName.computeIfAbsent(List.of(plural, namespace, orEmpty(value(key, NAME))), p -> new LinkedHashMap<>())
                .put(key, object);
    }

    void remove(AttributeSet key) {
        String plural = value(key, PLURAL);
        if (plural == null) {
            return;
        }
        String namespace = orEmpty(value(key, NAMESPACE));
        removeFrom(byPlural, plural, key);
        removeFrom(byNamespace, List.of(plural, namespace), key);
        removeFrom(byName, List.of(plural, namespace, orEmpty(value(key, NAME))), key);
    }

    void clear() {
        byPlural.clear();
        byNamespace.clear();
        byName.clear();
    }

    /**
     * Every stored object that can match {@code query}, in store order; null when the query names no plural
     * (the caller then scans the whole store as the mock does).
     */
    Collection<Map.Entry<AttributeSet, String>> candidates(AttributeSet query) {
        String plural = value(query, PLURAL);
        if (plural == null) {
            return null;
        }
        String namespace = value(query, NAMESPACE);
        String name = value(query, NAME);
        Map<AttributeSet, String> bucket;
        if (namespace != null && name != null) {
            bucket = byName.get(List.of(plural, namespace, name));
        } else if (namespace != null) {
            bucket = byNamespace.get(List.of(plural, namespace));
        } else {
            // without a namespace the query matches namespaced and cluster-scoped objects alike
            bucket = byPlural.get(plural);
        }
        return bucket == null ? List.of() : List.copyOf(bucket.entrySet());
    }

    /** The single value an attribute must equal, or null when the set does not pin it to one value. */
    private static String value(AttributeSet set, String key) {
        Attribute attribute = set.getAttribute(key);
        if (attribute == null
                || attribute.getType() != AttributeType.WITH
                || attribute.getValues().size() != 1) {
            return null;
        }
        return attribute.getValues().get(0).toString();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static <K> void removeFrom(Map<K, Map<AttributeSet, String>> index, K bucketKey, AttributeSet key) {
        Map<AttributeSet, String> bucket = index.get(bucketKey);
        if (bucket != null) {
            bucket.remove(key);
            if (bucket.isEmpty()) {
                index.remove(bucketKey);
            }
        }
    }
}
