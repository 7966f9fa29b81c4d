package io.d2iq.kubetunnel.local.runner;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** The backend side of one proxied request (or, after an upgrade, of the relay): hands everything to the frontend. */
final class ProxyBackendHandler extends ChannelInboundHandlerAdapter {

    private final ProxyFrontendHandler frontend;
    private boolean upgraded;

    ProxyBackendHandler(ProxyFrontendHandler frontend) {
        this.frontend = frontend;
    }

    void upgraded() {
        upgraded = true;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded) {
            frontend.relayFromBackend(msg);
        } else {
            frontend.fromBackend(ctx.channel(), msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upgraded && ctx.channel().isWritable()) {
            frontend.backendWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        frontend.backendClosed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
