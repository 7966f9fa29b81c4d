package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads the connector and writes its kubeconfig Secret, only when something changed. The only writer of that
 * Secret's data; it touches no other object (the connector's status belongs to the controller). It never creates
 * the Secret: the controller does, so that the webhook's identity needs no {@code create secrets}, which
 * Kubernetes cannot restrict to one name.
 */
public final class KubeconfigSecretWriter {

    /** What a write did: the first kubeconfig in the Secret, a different one, or the same one again. */
    public enum Result {
        CREATED,
        UPDATED,
        UNCHANGED
    }

    /** The controller has not created the connector's (empty) kubeconfig Secret yet; a later try may succeed. */
    public static final class SecretMissingException extends RuntimeException {
        SecretMissingException(String message) {
            super(message);
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String connector;
    private final Clock clock;

    public KubeconfigSecretWriter(KubernetesClient client, String namespace, String connector, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.connector = connector;
        this.clock = clock;
    }

    /** The connector this webhook serves, if it exists. */
    public Optional<TunnelConnector> connector() {
        return Optional.ofNullable(client.resources(TunnelConnector.class)
                .inNamespace(namespace)
                .withName(connector)
                .get());
    }

    /**
     * Writes {@code kubeconfig} to the connector's Secret unless the Secret already holds it.
     *
     * @throws SecretMissingException when the controller has not created the Secret yet
     */
    public Result write(TunnelConnector owner, Kubeconfig kubeconfig) {
        Secret desired = KubeconfigSecret.desired(owner, kubeconfig, clock.instant());
        Secret existing = existing();
        if (existing == null) {
            throw new SecretMissingException("the controller has not created Secret " + namespace + "/"
                    + ConnectorResources.kubeconfigSecretName(connector) + " yet; retry");
        }
        if (KubeconfigSecret.isCurrent(existing, desired)) {
            return Result.UNCHANGED;
        }
        desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
        client.secrets().inNamespace(namespace).resource(desired).update();
        return KubeconfigSecret.holdsKubeconfig(existing) ? Result.UPDATED : Result.CREATED;
    }

    /** When the Secret's kubeconfig was last written, if it exists. */
    public Optional<Instant> registeredAt() {
        Secret existing = existing();
        if (!KubeconfigSecret.holdsKubeconfig(existing)) {
            return Optional.empty();
        }
        String at = existing.getMetadata().getAnnotations() == null
                ? null
                : existing.getMetadata().getAnnotations().get(KubeconfigSecret.REGISTERED_AT_ANNOTATION);
        return parse(at)
                .or(() -> parse(existing.getMetadata().getCreationTimestamp()))
                .or(() -> Optional.of(clock.instant()));
    }

    private static Optional<Instant> parse(String timestamp) {
        try {
            return timestamp == null ? Optional.empty() : Optional.of(Instant.parse(timestamp));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private Secret existing() {
        return client.secrets()
                .inNamespace(namespace)
                .withName(ConnectorResources.kubeconfigSecretName(connector))
                .get();
    }
}
