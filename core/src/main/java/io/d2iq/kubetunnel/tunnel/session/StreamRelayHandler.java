package io.d2iq.kubetunnel.tunnel.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a local socket (proxy client or dialed target): hands every event to its
 * {@link TunnelStream} on the session's event loop, where all stream state lives.
 */
final class StreamRelayHandler extends ChannelInboundHandlerAdapter {

    private final TunnelStream stream;

    StreamRelayHandler(TunnelStream stream) {
        this.stream = stream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buf) {
            stream.session().execute(() -> stream.onLocalData(buf), buf);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        stream.session().execute(stream::onLocalReadComplete, null);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            stream.session().execute(stream::onLocalEof, null);
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stream.session().execute(stream::onLocalInactive, null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        stream.session().execute(() -> stream.onLocalError(cause), null);
    }
}
