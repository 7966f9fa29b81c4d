package io.d2iq.kubetunnel.status;

/**
 * What a kubeconfig webhook's {@code GET /status} says: {@code registered} when the kubeconfig Secret holds an
 * accepted kubeconfig (since {@code registeredAt}, ISO-8601), and {@code lastError} when the latest
 * authenticated POST carried an invalid one (cleared by the next valid one).
 */
public record WebhookReport(boolean registered, String registeredAt, RegistrationError lastError) {

    /** The reason of a rejected kubeconfig, which the controller copies into the connector's Failed condition. */
    public static final String KUBECONFIG_INVALID = "KubeconfigInvalid";

    /** Why the latest registration was refused. */
    public record RegistrationError(String reason, String message) {}
}
