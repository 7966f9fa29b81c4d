package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.model.AgentAccess;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/** The desired kubeconfig Secret of a connector, and whether an existing one already is it. Pure: no client. */
public final class KubeconfigSecret {

    /** When the Secret's kubeconfig was last written; lets /status survive a webhook restart. */
    public static final String REGISTERED_AT_ANNOTATION = "kubetunnel.d2iq.io/registered-at";

    private KubeconfigSecret() {}

    /**
     * The Secret holding {@code kubeconfig} (already carrying its proxy-url): the one the controller created empty
     * ({@link AgentAccess#kubeconfigSecret}), same name, labels, type and owner, with the data and write time.
     */
    public static Secret desired(TunnelConnector connector, Kubeconfig kubeconfig, Instant writtenAt) {
        Secret secret = AgentAccess.kubeconfigSecret(connector);
        secret.getMetadata().setAnnotations(Map.of(REGISTERED_AT_ANNOTATION, writtenAt.toString()));
        secret.setData(Map.of(
                ConnectorResources.KUBECONFIG_KEY, Base64.getEncoder().encodeToString(kubeconfig.toYamlBytes())));
        return secret;
    }

    /** Whether {@code existing} already holds the desired kubeconfig, labels and owner; the write time does not count. */
    public static boolean isCurrent(Secret existing, Secret desired) {
        Map<String, String> labels = existing.getMetadata().getLabels();
        return Objects.equals(existing.getType(), desired.getType())
                && Objects.equals(existing.getData(), desired.getData())
                && labels != null
                && labels.entrySet()
                        .containsAll(desired.getMetadata().getLabels().entrySet())
                && existing.getMetadata().getOwnerReferences().stream()
                        .anyMatch(o -> Objects.equals(
                                o.getUid(),
                                desired.getMetadata()
                                        .getOwnerReferences()
                                        .get(0)
                                        .getUid()));
    }

    /** Whether {@code secret} holds a registered kubeconfig, not only the empty Secret the controller created. */
    public static boolean holdsKubeconfig(Secret secret) {
        String data = secret == null || secret.getData() == null
                ? null
                : secret.getData().get(ConnectorResources.KUBECONFIG_KEY);
        return data != null && !data.isEmpty();
    }
}
