package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.model.ConnectorLabels;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/** The desired kubeconfig Secret of a connector, and whether an existing one already is it. Pure: no client. */
public final class KubeconfigSecret {

    /** When the Secret's kubeconfig was last written; lets /status survive a webhook restart. */
    public static final String REGISTERED_AT_ANNOTATION = "kubetunnel.d2iq.io/registered-at";
    private static final String SECRET_TYPE = "Opaque";

    private KubeconfigSecret() {
    }

    /** The Secret holding {@code kubeconfig} (already carrying its proxy-url), owned by {@code connector}. */
    public static Secret desired(TunnelConnector connector, Kubeconfig kubeconfig, Instant writtenAt) {
        String name = connector.getMetadata().getName();
        return new SecretBuilder()
                .withNewMetadata()
                    .withName(ConnectorResources.kubeconfigSecretName(name))
                    .withNamespace(connector.getMetadata().getNamespace())
                    .withLabels(labels(name))
                    .withAnnotations(Map.of(REGISTERED_AT_ANNOTATION, writtenAt.toString()))
                    .withOwnerReferences(ConnectorLabels.ownerReference(connector))
                .endMetadata()
                .withType(SECRET_TYPE)
                .withData(Map.of(ConnectorResources.KUBECONFIG_KEY, Base64.getEncoder().encodeToString(kubeconfig.toYamlBytes())))
                .build();
    }

    /** Whether {@code existing} already holds the desired kubeconfig, labels and owner; the write time does not count. */
    public static boolean isCurrent(Secret existing, Secret desired) {
        Map<String, String> labels = existing.getMetadata().getLabels();
        return Objects.equals(existing.getType(), desired.getType())
                && Objects.equals(existing.getData(), desired.getData())
                && labels != null && labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
                && existing.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> Objects.equals(o.getUid(), desired.getMetadata().getOwnerReferences().get(0).getUid()));
    }

    static Map<String, String> labels(String connector) {
        return Map.of(
                "app.kubernetes.io/name", "kubetunnel",
                "app.kubernetes.io/instance", connector,
                "app.kubernetes.io/component", "kubeconfig",
                "app.kubernetes.io/managed-by", "kubetunnel",
                ConnectorResources.CONNECTOR_LABEL, connector);
    }
}
