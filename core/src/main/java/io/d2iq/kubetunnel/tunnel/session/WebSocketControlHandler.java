package io.d2iq.kubetunnel.tunnel.session;

import io.d2iq.kubetunnel.tunnel.frame.ProtocolException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * WebSocket messages that are not tunnel frames: answers WebSocket pings (intermediaries may send them),
 * closes on a close message, and treats text or fragmented messages as a protocol error. Pongs go through
 * the session's {@link ControlReplies}, so a peer that pings and never reads cannot queue them without bound.
 */
final class WebSocketControlHandler extends ChannelInboundHandlerAdapter {

    private final ControlReplies replies;

    WebSocketControlHandler(ControlReplies replies) {
        this.replies = replies;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame binary && binary.isFinalFragment()) {
            ctx.fireChannelRead(msg);
        } else if (msg instanceof PingWebSocketFrame ping) {
            replies.send(new PongWebSocketFrame(ping.content()));
        } else if (msg instanceof PongWebSocketFrame) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof CloseWebSocketFrame) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        } else if (msg instanceof WebSocketFrame) {
            ReferenceCountUtil.release(msg);
            ctx.fireExceptionCaught(new ProtocolException("only unfragmented binary WebSocket messages are allowed"));
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
