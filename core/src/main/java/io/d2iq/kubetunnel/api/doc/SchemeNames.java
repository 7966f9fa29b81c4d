package io.d2iq.kubetunnel.api.doc;

import com.fasterxml.jackson.databind.JavaType;
import io.d2iq.kubetunnel.api.v1alpha1.ApiGroup;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ListMeta;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The "Scheme" column of the API reference: Java types written as the Go types of the Kubernetes API
 * ({@code int32}, {@code []T}, {@code map[string]string}, {@code corev1.X}, {@code metav1.X}), because that
 * is how the reference and every Kubernetes API document name them.
 */
final class SchemeNames {

    private static final String API_PACKAGE = ApiGroup.class.getPackageName();
    private static final String FABRIC8_MODEL_PACKAGE = ObjectMeta.class.getPackageName();
    private static final String METAV1_DOCS =
            "https://v1-20.docs.kubernetes.io/docs/reference/generated/kubernetes-api/v1.20/#%s-v1-meta";
    /** Types of k8s.io/apimachinery meta/v1 that fabric8 keeps in its core model package. */
    private static final Set<Class<?>> METAV1_TYPES = Set.of(ObjectMeta.class, ListMeta.class, Condition.class);

    private static final Map<Class<?>, String> SCALARS = Map.of(
            String.class,
            "string",
            Integer.class,
            "int32",
            int.class,
            "int32",
            Long.class,
            "int64",
            long.class,
            "int64",
            Boolean.class,
            "bool",
            boolean.class,
            "bool",
            Double.class,
            "float64",
            double.class,
            "float64");

    private SchemeNames() {}

    /** True for the classes that get their own section: the non-enum classes of the API package. */
    static boolean isApiType(Class<?> type) {
        return type.getPackageName().equals(API_PACKAGE) && !type.isEnum();
    }

    /** Anchor of a section, as Markdown renderers derive it from the heading. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    static String of(JavaType type) {
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return "[]" + of(type.getContentType());
        }
        if (type.isMapLikeType()) {
            return "map[" + of(type.getKeyType()) + "]" + of(type.getContentType());
        }
        Class<?> raw = type.getRawClass();
        String scalar = SCALARS.get(raw);
        if (scalar != null) {
            return scalar;
        }
        if (raw.isEnum()) {
            return raw.getSimpleName();
        }
        if (isApiType(raw)) {
            return link(raw.getSimpleName(), "#" + anchor(raw.getSimpleName()));
        }
        if (METAV1_TYPES.contains(raw)) {
            String name = raw.getSimpleName();
            return link("metav1." + name, String.format(METAV1_DOCS, name.toLowerCase(Locale.ROOT)));
        }
        if (raw.getPackageName().equals(FABRIC8_MODEL_PACKAGE)) {
            return "corev1." + raw.getSimpleName();
        }
        throw new IllegalArgumentException("No API reference scheme for " + type.toCanonical() + "; teach "
                + SchemeNames.class.getSimpleName() + " how Kubernetes names it");
    }

    private static String link(String text, String target) {
        return "[" + text + "](" + target + ")";
    }
}
