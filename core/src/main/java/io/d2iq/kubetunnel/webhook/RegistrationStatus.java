package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.status.WebhookReport;
import java.time.Instant;

/**
 * The webhook's registration state behind {@code GET /status} ({@link WebhookReport}). Refused tokens and
 * transient failures (API server unreachable) never touch it: they must not fail the connector.
 */
public final class RegistrationStatus {

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

    public synchronized WebhookReport report() {
        return new WebhookReport(
                registeredAt != null,
                registeredAt == null ? null : registeredAt.toString(),
                lastErrorMessage == null
                        ? null
                        : new WebhookReport.RegistrationError(WebhookReport.KUBECONFIG_INVALID, lastErrorMessage));
    }
}
