package io.d2iq.kubetunnel.observe;

import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A readiness check that asks the role one question (is the tunnel up, is the proxy port bound). Not a
 * liveness check: a role waiting for its peer is healthy, and a restart would not bring the peer back.
 */
public final class ReadinessCheck extends AbstractHealthCheck {

    private final BooleanSupplier up;
    private final String downMessage;

    /**
     * @param id the check's id in {@code /observe/health}
     * @param up whether the role is ready in this respect
     * @param downMessage what {@code /observe/health} says while it is not
     */
    public ReadinessCheck(String id, BooleanSupplier up, String downMessage) {
        super("kubetunnel", id);
        this.up = up;
        this.downMessage = downMessage;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (up.getAsBoolean()) {
            builder.up();
        } else {
            builder.message(downMessage).down();
        }
    }
}
