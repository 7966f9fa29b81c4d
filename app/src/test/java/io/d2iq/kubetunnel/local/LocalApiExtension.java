package io.d2iq.kubetunnel.local;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that runs a {@link LocalApi} for a test class ({@code static} field) or for each test
 * (instance field), and injects it into test and lifecycle method parameters of type {@link LocalApi}.
 * <pre>
 * &#64;RegisterExtension
 * static final LocalApiExtension API = LocalApiExtension.plain();   // or .tls()
 * ... API.client().resources(TunnelConnector.class) ...  API.kubeconfigFile() ...
 * </pre>
 */
public final class LocalApiExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private final boolean tls;
    private LocalApi api;
    private boolean perClass;

    private LocalApiExtension(boolean tls) {
        this.tls = tls;
    }

    /** A local API over plain HTTP. */
    public static LocalApiExtension plain() {
        return new LocalApiExtension(false);
    }

    /** A local API over HTTPS with a generated CA. */
    public static LocalApiExtension tls() {
        return new LocalApiExtension(true);
    }

    /** The running API; only valid inside a test or lifecycle method. */
    public LocalApi api() {
        if (api == null) {
            throw new IllegalStateException("the local API runs only while a test runs");
        }
        return api;
    }

    /** The running API's shared fabric8 client. */
    public KubernetesClient client() {
        return api().client();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        api = LocalApi.start(tls);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!perClass) {
            api = LocalApi.start(tls);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalApi.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return api();
    }

    private void stop() {
        if (api != null) {
            api.close();
            api = null;
        }
    }
}
