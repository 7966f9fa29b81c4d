package io.d2iq.kubetunnel.nettyhttp;

import io.d2iq.kubetunnel.tunnel.session.NettyTransport;
import io.netty.channel.Channel;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.camel.component.netty.http.HttpServerBootstrapFactory;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * camel-netty-http whose server pipeline a role extends with raw Netty handlers: the tunnel port's WebSocket
 * upgrade and TLS from PEM files, the pre-authentication guard, the webhook's token check before the body.
 * Plain requests stay Camel routes. The stock component ignores {@code serverInitializerFactory} for
 * consumers, so this overrides the one place it builds the server pipeline.
 */
public final class ExtensibleNettyHttpComponent extends NettyHttpComponent {

    private final Map<String, HttpServerBootstrapFactory> bootstrapFactories = new HashMap<>();
    private final Consumer<Channel> pipelineExtension;

    /** @param pipelineExtension runs on every accepted channel once Camel's handlers are in place */
    public ExtensibleNettyHttpComponent(Consumer<Channel> pipelineExtension) {
        this.pipelineExtension = pipelineExtension;
        // a failing route answers 500 without a stack trace
        setMuteException(true);
        // the tunnel server's session lives on this port's worker loop and the proxy port registers its
        // clients there: both must use the same transport
        getConfiguration().setNativeTransport(NettyTransport.EPOLL);
    }

    @Override
    protected synchronized HttpServerBootstrapFactory getOrCreateHttpNettyServerBootstrapFactory(
            NettyHttpConsumer consumer) {
        return bootstrapFactories.computeIfAbsent(consumer.getConfiguration().getAddress(), address -> {
            HttpServerBootstrapFactory factory = new HttpServerBootstrapFactory(
                    getMultiplexChannelHandler(consumer.getConfiguration().getPort()));
            factory.init(
                    getCamelContext(),
                    consumer.getConfiguration(),
                    new ExtendedHttpServerInitializerFactory(consumer, pipelineExtension));
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
