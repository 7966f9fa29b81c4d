package io.d2iq.kubetunnel.webhook;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code GET /status} reports, the contract the controller polls:
 * {@code {"registered":bool,"registeredAt":ISO-8601|null,"lastError":null|{"reason":"KubeconfigInvalid","message":...}}}.
 * {@code registered} means the kubeconfig Secret holds an accepted kubeconfig; {@code lastError} is set when the
 * latest authenticated POST carried an invalid kubeconfig and cleared by the next valid one. Refused tokens
 * and transient failures (API server unreachable) never touch it: they must not fail the connector.
 */
public final class RegistrationStatus {

    /** The reason the controller copies into the connector's Failed condition. */
    public static final String KUBECONFIG_INVALID = "KubeconfigInvalid";

    private Instant registeredAt;
    private String lastErrorMessage;

    /** A kubeconfig was accepted (written or already current) at {@code when}. */
    public synchronized void registered(Instant when) {
        registeredAt = when;
        lastErrorMessage = null;
    }

    /** The latest authenticated POST was an invalid kubeconfig; any earlier registration stays in place. */
    public synchronized void invalid(String message) {
        lastErrorMessage = message;
    }

    public synchronized Map<String, Object> toJsonMap() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("registered", registeredAt != null);
        json.put("registeredAt", registeredAt == null ? null : registeredAt.toString());
        if (lastErrorMessage == null) {
            json.put("lastError", null);
        } else {
            Map<String, String> error = new LinkedHashMap<>();
            error.put("reason", KUBECONFIG_INVALID);
            error.put("message", lastErrorMessage);
            json.put("lastError", error);
        }
        return json;
    }
}
