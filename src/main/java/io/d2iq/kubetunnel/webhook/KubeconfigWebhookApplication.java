package io.d2iq.kubetunnel.webhook;

import java.nio.file.Path;
import org.apache.camel.main.Main;

/**
 * The kubeconfig-webhook role as a camel-main application: {@link #start()} returns once the port listens,
 * {@link #run()} blocks until the JVM is asked to stop. Reads no application.properties, so routes and
 * settings meant for other roles on the classpath never leak in.
 */
public final class KubeconfigWebhookApplication implements AutoCloseable {

    private final Main main = new Main();

    public KubeconfigWebhookApplication(RegistrationHandler handler, int port, Path tlsCert, Path tlsKey) {
        boolean tls = tlsCert != null;
        main.setDefaultPropertyPlaceholderLocation("false");
        main.configure().setName("kubeconfig-webhook");
        main.configure().setTracing(false);
        if (tls) {
            main.bind(WebhookRoutes.TLS_BEAN, new PemSslContextParameters(tlsCert, tlsKey));
        }
        main.configure().addRoutesBuilder(new WebhookRoutes(handler, port, tls));
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
