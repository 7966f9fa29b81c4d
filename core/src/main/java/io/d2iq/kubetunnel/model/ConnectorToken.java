package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The connector token: the shared secret the remote agent and register Job present to this connector's tunnel
 * server and webhook, and nothing else. It is random bytes in a controller-owned Opaque Secret, not a
 * ServiceAccount token, so whoever copies it off the remote cluster holds no identity on the management API.
 */
public final class ConnectorToken {

    /** Random bytes in a new token (256 bits). */
    public static final int TOKEN_BYTES = 32;
    /** Type of the token Secret. */
    public static final String SECRET_TYPE = "Opaque";

    private static final SecureRandom RANDOM = new SecureRandom();

    private ConnectorToken() {}

    /** A new token: {@link #TOKEN_BYTES} bytes from a CSPRNG, base64url without padding. */
    public static String generate() {
        byte[] token = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    /** The token Secret {@link ConnectorResources#agentTokenSecretName} holding {@code token} under {@link ConnectorResources#TOKEN_KEY}. */
    public static Secret secret(TunnelConnector connector, String token) {
        return new SecretBuilder()
                .withMetadata(ConnectorLabels.childMetadata(
                        connector,
                        ConnectorResources.agentTokenSecretName(
                                connector.getMetadata().getName()),
                        ConnectorLabels.AGENT))
                .withType(SECRET_TYPE)
                .withData(Map.of(
                        ConnectorResources.TOKEN_KEY,
                        Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))))
                .build();
    }

    /**
     * Whether {@code secret} is the token Secret of an earlier release: a service-account-token Secret that the
     * token controller filled with the token of ServiceAccount {@code <c>-agent}. Its type cannot change in place,
     * so the controller replaces it by an Opaque Secret holding the same token (docs/registration.md, "Migration").
     */
    public static boolean isLegacy(Secret secret) {
        return ServiceAccountTokenSecret.isOne(secret);
    }
}
