package io.d2iq.kubetunnel.observe;

import io.d2iq.kubetunnel.nettyhttp.GetOnlyHttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * What every role's camel-main application serves on its management port: {@code /observe/health} (with
 * {@code /live} and {@code /ready}) and {@code /observe/metrics}. One place, so the roles cannot drift apart in
 * paths, exposure or meter names.
 */
public final class ManagementEndpoints {

    private ManagementEndpoints() {}

    /**
     * The management port on a {@link GetOnlyHttpServer} (Netty, one event loop thread): for the roles that serve
     * health and metrics only. camel-platform-http-main would start Vert.x for them (an event loop and 20 worker
     * threads, a few thousand classes) beside the Netty they already run.
     *
     * @param port 0 for no management port (route metrics are still recorded in {@code registry})
     */
    public static void install(Main main, int port, PrometheusMeterRegistry registry) {
        installMetrics(main, registry);
        // Nothing reads these roles' MBeans (no Jolokia, no JMX port): without them Camel loads about 300
        // classes fewer (its managed-object and javax.management classes).
        main.configure().setJmxEnabled(false);
        main.addInitialProperty("camel.health.exposureLevel", "full");
        if (port > 0) {
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport configured) {
                    CamelContext context = configured.getCamelContext();
                    try {
                        // a service of the context: it starts before the routes and stops after them
                        context.addService(
                                new GetOnlyHttpServer("management", port, new ManagementPaths(context, registry)));
                    } catch (Exception e) {
                        throw RuntimeCamelException.wrapRuntimeException(e);
                    }
                }
            });
        }
    }

    /**
     * The management port on camel-platform-http-main (Vert.x), for the controller, whose port also serves
     * {@code /observe/jolokia} (Hawtio) through that server's plugins.
     */
    public static void installOnPlatformHttp(Main main, int port, PrometheusMeterRegistry registry) {
        installMetrics(main, registry);
        if (port > 0) {
            main.addInitialProperty("camel.management.enabled", "true");
            main.addInitialProperty("camel.management.port", Integer.toString(port));
            main.addInitialProperty("camel.management.healthCheckEnabled", "true");
            main.addInitialProperty("camel.management.metricsEnabled", "true");
            // every check with its details, so an operator sees why a role is not ready
            main.addInitialProperty("camel.health.exposureLevel", "full");
        }
    }

    /** Camel's route metrics in {@code registry}, where the role records its own meters too. */
    private static void installMetrics(Main main, PrometheusMeterRegistry registry) {
        // Camel's MicrometerPrometheus uses the registry bound under this name instead of creating its own
        main.bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        main.addInitialProperty("camel.metrics.enabled", "true");
        main.addInitialProperty("camel.metrics.enableRoutePolicy", "true");
    }
}
