package io.d2iq.kubetunnel.api.doc;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorList;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewayList;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The documented types of the v1alpha1 API and their fields, read from the classes through Jackson (so
 * names, descriptions and ignored properties are exactly what goes over the wire).
 * <p>
 * Order: one group per kind (TunnelGateway, then TunnelConnector), each holding the kind, its list and
 * every API type reachable from them, sorted by name; a type appears once, in the first group reaching it.
 * This is the order of the published reference (one Go file per kind, types sorted).
 */
public final class ApiReference {

    private static final List<List<Class<?>>> KIND_GROUPS = List.of(
            List.of(TunnelGateway.class, TunnelGatewayList.class),
            List.of(TunnelConnector.class, TunnelConnectorList.class));
    /** The TypeMeta fields, which Kubernetes API documents leave out of every table. */
    private static final Set<String> TYPE_META = Set.of("apiVersion", "kind");

    /** Kubernetes documents put metadata first; fabric8's list base class serializes it after items. */
    private static final Comparator<BeanPropertyDefinition> METADATA_FIRST =
            Comparator.comparing(property -> !property.getName().equals("metadata"));

    /** One row of a type's table. */
    public record Field(String name, String description, String scheme, boolean required) {}

    /** One section: a type, its description and its fields in wire order. */
    public record Type(String name, String description, List<Field> fields) {}

    private final SerializationConfig config = new ObjectMapper().getSerializationConfig();

    /** Every documented type, in reference order. */
    public List<Type> types() {
        Set<Class<?>> seen = new LinkedHashSet<>();
        List<Type> types = new ArrayList<>();
        for (List<Class<?>> roots : KIND_GROUPS) {
            reachableFrom(roots, seen).stream()
                    .sorted(Comparator.comparing(Class::getSimpleName))
                    .map(this::describe)
                    .forEach(types::add);
        }
        return types;
    }

    private List<Class<?>> reachableFrom(List<Class<?>> roots, Set<Class<?>> seen) {
        List<Class<?>> group = new ArrayList<>();
        Deque<Class<?>> pending = new ArrayDeque<>(roots);
        while (!pending.isEmpty()) {
            Class<?> type = pending.pop();
            if (seen.add(type)) {
                group.add(type);
                for (BeanPropertyDefinition property : documentedProperties(type)) {
                    Class<?> target = innermost(property.getPrimaryType()).getRawClass();
                    if (SchemeNames.isApiType(target)) {
                        pending.add(target);
                    }
                }
            }
        }
        return group;
    }

    private Type describe(Class<?> type) {
        BeanDescription bean = introspect(type);
        List<Field> fields = documentedProperties(type).stream()
                .map(property -> new Field(
                        property.getName(),
                        Objects.toString(property.getMetadata().getDescription(), ""),
                        SchemeNames.of(property.getPrimaryType()),
                        isRequired(type, property)))
                .toList();
        return new Type(type.getSimpleName(), Objects.toString(bean.findClassDescription(), ""), fields);
    }

    private List<BeanPropertyDefinition> documentedProperties(Class<?> type) {
        BeanDescription bean = introspect(type);
        Set<String> ignored =
                config.getDefaultPropertyIgnorals(type, bean.getClassInfo()).findIgnoredForSerialization();
        return bean.findProperties().stream()
                .filter(property -> !TYPE_META.contains(property.getName()))
                .filter(property -> !ignored.contains(property.getName()))
                .filter(property -> property.getPrimaryType().getRawClass() != Void.class)
                .sorted(METADATA_FIRST)
                .toList();
    }

    /**
     * Required when the class says so, or for the items of a list: Kubernetes lists always carry
     * {@code items}, and fabric8's list base class, which we cannot annotate, holds that field.
     */
    private static boolean isRequired(Class<?> owner, BeanPropertyDefinition property) {
        AnnotatedMember member = property.getPrimaryMember();
        return property.isRequired()
                || (member != null && member.hasAnnotation(Required.class))
                || (KubernetesResourceList.class.isAssignableFrom(owner)
                        && property.getName().equals("items"));
    }

    private BeanDescription introspect(Class<?> type) {
        return config.introspect(config.constructType(type));
    }

    private static JavaType innermost(JavaType type) {
        return type.getContentType() == null ? type : innermost(type.getContentType());
    }
}
