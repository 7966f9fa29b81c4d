package io.d2iq.kubetunnel.tunnel.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslContext;
import java.util.function.Supplier;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

/**
 * Camel's HTTP server pipeline plus two things: a {@link WebSocketUpgradeSniffer} after the request decoder,
 * and TLS from a Netty {@link SslContext} (PEM files, reloaded per server start) in front.
 */
final class UpgradeAwareHttpInitializerFactory extends HttpServerInitializerFactory {

    private final SslContext sslContext;
    private final Supplier<ChannelHandler> upgradeHandlers;

    UpgradeAwareHttpInitializerFactory(NettyHttpConsumer consumer, SslContext sslContext, Supplier<ChannelHandler> upgradeHandlers) {
        super(consumer);
        this.sslContext = sslContext;
        this.upgradeHandlers = upgradeHandlers;
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        ch.pipeline().addAfter("decoder", "websocket-upgrade", new WebSocketUpgradeSniffer(upgradeHandlers));
        if (sslContext != null) {
            ch.pipeline().addFirst("tls", sslContext.newHandler(ch.alloc()));
        }
    }
}
