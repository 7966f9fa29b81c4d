package io.d2iq.kubetunnel.controller;

import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.plugin.DefaultJolokiaPlatformHttpPlugin;
import org.apache.camel.component.platform.http.plugin.JolokiaPlatformHttpPlugin;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;

/**
 * Camel's Jolokia plugin ({@code /observe/jolokia}, restricted by {@code classpath:/jolokia-access.xml}) that
 * answers only clients on the loopback interface unless remote access is allowed. The management port also
 * serves health and metrics to the kubelet and Prometheus, so it cannot itself bind to localhost; with
 * {@code kubectl port-forward} Hawtio's requests arrive from loopback. Bound under the id "jolokia", which
 * Camel's plugin registry looks up before its own.
 */
public final class LoopbackJolokiaPlugin extends ServiceSupport
        implements JolokiaPlatformHttpPlugin, CamelContextAware {

    /** The registry name Camel's management server resolves the Jolokia plugin by. */
    public static final String ID = "jolokia";

    private final DefaultJolokiaPlatformHttpPlugin jolokia = new DefaultJolokiaPlatformHttpPlugin();
    private final boolean allowRemote;

    public LoopbackJolokiaPlugin(boolean allowRemote) {
        this.allowRemote = allowRemote;
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public Object getHandler() {
        @SuppressWarnings("unchecked")
        Handler<RoutingContext> delegate = (Handler<RoutingContext>) jolokia.getHandler();
        if (allowRemote) {
            return delegate;
        }
        return (Handler<RoutingContext>) context -> {
            if (isLoopback(context.request().remoteAddress())) {
                delegate.handle(context);
            } else {
                context.response()
                        .setStatusCode(403)
                        .putHeader("Content-Type", "text/plain")
                        .end(
                                "Jolokia answers only on localhost: use kubectl port-forward, or start the controller with --jolokia-remote\n");
            }
        };
    }

    private static boolean isLoopback(SocketAddress address) {
        if (address == null || address.hostAddress() == null) {
            return false;
        }
        try {
            // hostAddress() is a literal IP, so this never resolves a name
            return InetAddress.getByName(address.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        jolokia.setCamelContext(camelContext);
    }

    @Override
    public CamelContext getCamelContext() {
        return jolokia.getCamelContext();
    }

    @Override
    protected void doStart() throws Exception {
        ServiceHelper.startService(jolokia);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(jolokia);
    }
}
