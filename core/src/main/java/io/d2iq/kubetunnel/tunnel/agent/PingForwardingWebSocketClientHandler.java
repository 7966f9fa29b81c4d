package io.d2iq.kubetunnel.tunnel.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * Netty's client WebSocket handler, except that it passes WebSocket pings on instead of answering them:
 * Netty queues one pong per ping however many are unsent, so a rogue server that pings and never reads would
 * grow the agent's outbound buffer. The session's control handler answers them within a bound.
 */
final class PingForwardingWebSocketClientHandler extends WebSocketClientProtocolHandler {

    PingForwardingWebSocketClientHandler(WebSocketClientProtocolConfig config) {
        super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) throws Exception {
        if (frame instanceof PingWebSocketFrame) {
            out.add(frame.retain());
        } else {
            super.decode(ctx, frame, out);
        }
    }
}
