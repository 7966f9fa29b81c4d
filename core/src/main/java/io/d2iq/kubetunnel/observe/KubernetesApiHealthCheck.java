package io.d2iq.kubetunnel.observe;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: the role can reach the Kubernetes API ({@code GET /version}). Not a liveness check,
 * because restarting the role does not bring an unreachable API server back.
 */
public final class KubernetesApiHealthCheck extends AbstractHealthCheck {

    /** The check's id in {@code /observe/health}. */
    public static final String ID = "kubernetes-api";

    private final KubernetesClient client;

    public KubernetesApiHealthCheck(KubernetesClient client) {
        super("kubetunnel", ID);
        this.client = client;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("api.url", client.getMasterUrl().toString());
        try {
            builder.detail("api.version", client.getKubernetesVersion().getGitVersion());
            builder.up();
        } catch (RuntimeException e) {
            builder.message("Kubernetes API unreachable: " + e.getMessage())
                    .error(e)
                    .down();
        }
    }
}
