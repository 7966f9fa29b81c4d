package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.util.List;
import java.util.function.Supplier;

/**
 * Sits right after Camel's HTTP request decoder. A WebSocket upgrade request (on any path, so Ingress
 * prefix stripping is optional) takes the channel away from Camel: Camel's handlers are removed and the
 * tunnel's upgrade handler takes over. Every other request passes on to the Camel routes untouched.
 */
final class WebSocketUpgradeSniffer extends ChannelInboundHandlerAdapter {

    private final Supplier<ChannelHandler> upgradeHandlers;

    WebSocketUpgradeSniffer(Supplier<ChannelHandler> upgradeHandlers) {
        this.upgradeHandlers = upgradeHandlers;
    }

    static boolean isWebSocketUpgrade(HttpHeaders headers) {
        return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && headers.contains(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request && isWebSocketUpgrade(request.headers())) {
            ChannelPipeline pipeline = ctx.pipeline();
            List<String> names = pipeline.names();
            for (String name : names.subList(names.indexOf(ctx.name()) + 1, names.size())) {
                ChannelHandler handler = pipeline.get(name);
                // The response encoder stays: the handshake writes its 101 through it.
                if (handler != null && !(handler instanceof HttpResponseEncoder)) {
                    pipeline.remove(handler);
                }
            }
            pipeline.addLast(
                    "upgrade-aggregator", new HttpObjectAggregator(ProtocolConstants.MAX_UPGRADE_REQUEST_BYTES));
            pipeline.addLast("upgrade", upgradeHandlers.get());
            pipeline.remove(this);
        }
        ctx.fireChannelRead(msg);
    }
}
