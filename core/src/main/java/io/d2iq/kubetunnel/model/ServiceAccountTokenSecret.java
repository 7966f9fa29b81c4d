package io.d2iq.kubetunnel.model;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;

/**
 * A {@code kubernetes.io/service-account-token} Secret: the token controller fills it with a ServiceAccount's
 * non-expiring token (a pod's projected token rotates within hours). kubetunnel creates one only on the remote
 * cluster, for the identity that the management cluster uses there.
 */
public final class ServiceAccountTokenSecret {

    /** Annotation that names the ServiceAccount whose token the token controller writes into the Secret. */
    public static final String SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name";
    /** Type of a Secret that the token controller fills. */
    public static final String TYPE = "kubernetes.io/service-account-token";

    private ServiceAccountTokenSecret() {}

    /** An empty token Secret for {@code serviceAccount}, with {@code metadata} as given plus the naming annotation. */
    public static Secret of(ObjectMeta metadata, String serviceAccount) {
        Secret secret =
                new SecretBuilder().withMetadata(metadata).withType(TYPE).build();
        secret.getMetadata().setAnnotations(Map.of(SERVICE_ACCOUNT_NAME_ANNOTATION, serviceAccount));
        return secret;
    }

    /** Whether {@code secret} is a service-account-token Secret. */
    public static boolean isOne(Secret secret) {
        return secret != null && TYPE.equals(secret.getType());
    }
}
