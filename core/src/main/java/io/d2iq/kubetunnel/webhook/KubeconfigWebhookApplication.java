package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.nettyhttp.ExtensibleNettyHttpComponent;
import io.d2iq.kubetunnel.observe.KubernetesApiHealthCheck;
import io.d2iq.kubetunnel.observe.ManagementEndpoints;
import io.d2iq.kubetunnel.observe.ReadinessCheck;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.apache.camel.main.Main;

/**
 * The kubeconfig-webhook role as a camel-main application: {@link #start()} returns once the port listens,
 * {@link #run()} blocks until the JVM is asked to stop. Reads no application.properties, so routes and
 * settings meant for other roles on the classpath never leak in. Ready (on the management port) when the
 * Kubernetes API answers and the connector's token is mounted.
 */
public final class KubeconfigWebhookApplication implements AutoCloseable {

    /** Id of the readiness check that the connector's token is mounted. */
    public static final String TOKEN_CHECK = "connector-token";

    /** The webhook port's routes, one per path. */
    static final String ROUTES = "classpath:kubeconfig-webhook/http.camel.yaml";

    private final Main main = new Main();

    /**
     * @param client the management cluster, whose reachability is part of readiness
     * @param managementPort port of /observe/health and /observe/metrics, 0 for none
     */
    public KubeconfigWebhookApplication(
            RegistrationHandler handler,
            KubernetesClient client,
            int port,
            int managementPort,
            Path tlsCert,
            Path tlsKey) {
        boolean tls = tlsCert != null;
        main.setDefaultPropertyPlaceholderLocation("false");
        main.configure().setName("kubeconfig-webhook");
        main.configure().setTracing(false);
        ExtensibleNettyHttpComponent http =
                new ExtensibleNettyHttpComponent(new WebhookPortPipeline(handler, ConnectionLimits.DEFAULT));
        // settings of the whole port, shared by every route on it
        http.getConfiguration().setChunkedMaxContentLength(RegistrationHandler.MAX_BODY_BYTES);
        if (tls) {
            http.getConfiguration().setSsl(true);
            http.getConfiguration().setSslContextParameters(new PemSslContextParameters(tlsCert, tlsKey));
        }
        main.bind("netty-http", http);
        main.bind("registrationHandler", handler);
        main.configure().withRoutesIncludePattern(ROUTES);
        main.addInitialProperty("kubetunnel.scheme", tls ? "https" : "http");
        main.addInitialProperty("kubetunnel.bind", "0.0.0.0");
        main.addInitialProperty("kubetunnel.port", String.valueOf(port));
        main.bind(KubernetesApiHealthCheck.ID, new KubernetesApiHealthCheck(client));
        main.bind(
                TOKEN_CHECK,
                new ReadinessCheck(TOKEN_CHECK, handler::hasToken, "the connector token file is missing or empty"));
        ManagementEndpoints.install(main, managementPort, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public void start() {
        main.start();
    }

    public void run() throws Exception {
        main.run();
    }

    @Override
    public void close() {
        main.stop();
    }
}
