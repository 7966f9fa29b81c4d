package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.tunnel.protocol.NettyTransport;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.component.netty.http.HttpServerBootstrapFactory;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * camel-netty-http with WebSocket upgrades: plain requests stay Camel routes, an upgrade on the same port
 * goes to raw Netty handlers. The stock component has no Upgrade support and ignores
 * {@code serverInitializerFactory} for consumers, so this overrides the one place it builds the server pipeline.
 */
public final class UpgradeAwareNettyHttpComponent extends NettyHttpComponent {

    private final Map<String, HttpServerBootstrapFactory> bootstrapFactories = new HashMap<>();
    private final SslContext sslContext;
    private final Supplier<ChannelHandler> upgradeHandlers;

    /**
     * @param sslContext TLS for the port, or null for plain HTTP
     * @param upgradeHandlers a new handler per upgrade; it receives the aggregated upgrade request
     */
    public UpgradeAwareNettyHttpComponent(SslContext sslContext, Supplier<ChannelHandler> upgradeHandlers) {
        this.sslContext = sslContext;
        this.upgradeHandlers = upgradeHandlers;
        // a failing route answers 500 without a stack trace
        setMuteException(true);
        // the session lives on this port's worker loop and the proxy port registers its clients there:
        // both must use the same transport
        getConfiguration().setNativeTransport(NettyTransport.EPOLL);
    }

    @Override
    protected synchronized HttpServerBootstrapFactory getOrCreateHttpNettyServerBootstrapFactory(NettyHttpConsumer consumer) {
        return bootstrapFactories.computeIfAbsent(consumer.getConfiguration().getAddress(), address -> {
            HttpServerBootstrapFactory factory = new HttpServerBootstrapFactory(getMultiplexChannelHandler(consumer.getConfiguration().getPort()));
            factory.init(getCamelContext(), consumer.getConfiguration(),
                    new UpgradeAwareHttpInitializerFactory(consumer, sslContext, upgradeHandlers));
            return factory;
        });
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        ServiceHelper.stopService(bootstrapFactories.values());
        bootstrapFactories.clear();
    }
}
