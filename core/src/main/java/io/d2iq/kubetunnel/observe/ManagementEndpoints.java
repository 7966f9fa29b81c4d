package io.d2iq.kubetunnel.observe;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.Main;

/**
 * What every role's camel-main application serves on its management port (camel-platform-http-main):
 * {@code /observe/health} (with {@code /live} and {@code /ready}) and {@code /observe/metrics}. One place, so the
 * roles cannot drift apart in paths, exposure or meter names.
 */
public final class ManagementEndpoints {

    private ManagementEndpoints() {}

    /**
     * Turns on Camel's route metrics in {@code registry} (where the role records its own meters too) and, when
     * {@code port > 0}, the management server. Health checks the role binds into {@code main} are picked up by type.
     */
    public static void install(Main main, int port, PrometheusMeterRegistry registry) {
        // Camel's MicrometerPrometheus uses the registry bound under this name instead of creating its own
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        main.addInitialProperty("camel.metrics.enabled", "true");
        main.addInitialProperty("camel.metrics.enableRoutePolicy", "true");
        if (port > 0) {
            main.addInitialProperty("camel.management.enabled", "true");
            main.addInitialProperty("camel.management.port", Integer.toString(port));
            main.addInitialProperty("camel.management.healthCheckEnabled", "true");
            main.addInitialProperty("camel.management.metricsEnabled", "true");
            // every check with its details, so an operator sees why a role is not ready
            main.addInitialProperty("camel.health.exposureLevel", "full");
        }
    }
}
