package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.guard.ConnectionLimit;
import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.guard.PreAuthentication;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SslContext;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The tunnel port's additions to Camel's HTTP pipeline: a {@link WebSocketUpgradeSniffer} after the request
 * decoder, TLS from a Netty {@link SslContext} (PEM files, reloaded per server start) in front, and in front of
 * everything the pre-authentication limit and deadline, which the upgrade handler lifts once the token is right.
 */
final class TunnelPortPipeline implements Consumer<Channel> {

    private final SslContext sslContext;
    private final Supplier<ChannelHandler> upgradeHandlers;
    private final ConnectionLimits limits;
    private final ConnectionLimit unauthenticated;

    /** @param sslContext TLS for the port, or null for plain HTTP */
    TunnelPortPipeline(SslContext sslContext, Supplier<ChannelHandler> upgradeHandlers, ConnectionLimits limits) {
        this.sslContext = sslContext;
        this.upgradeHandlers = upgradeHandlers;
        this.limits = limits;
        this.unauthenticated = ConnectionLimit.total(
                limits.maxUnauthenticatedConnections(), "unauthenticated connections on the tunnel port");
    }

    @Override
    public void accept(Channel ch) {
        ch.pipeline().addAfter("decoder", "websocket-upgrade", new WebSocketUpgradeSniffer(upgradeHandlers));
        if (sslContext != null) {
            ch.pipeline().addFirst("tls", sslContext.newHandler(ch.alloc()));
        }
        PreAuthentication.install(ch.pipeline(), unauthenticated, limits);
    }
}
