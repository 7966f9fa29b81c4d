package io.d2iq.kubetunnel.local.runner;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded port-forward: the kubelet's {@code v4.channel.k8s.io} framing on the WebSocket side (each binary frame
 * starts with its channel byte: 0 data, 1 error; the first frame on each channel is the port, little-endian) and plain
 * bytes to the Pod's port. Reading pauses on either side while the other cannot take more; a close on either side
 * closes both. A Pod port that refuses the connection is reported on the error channel, as the kubelet does.
 */
final class PortForwardRelay extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(PortForwardRelay.class);
    private static final byte DATA = 0;
    private static final byte ERROR = 1;

    private Channel pod;
    /** Data frames read before the Pod's port was connected. */
    private final Queue<ByteBuf> early = new ArrayDeque<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            connect(ctx, ctx.channel().attr(PortForwardRequest.TARGET).get());
        }
        super.userEventTriggered(ctx, event);
    }

    private void connect(ChannelHandlerContext ctx, PortForwardRequest.Target target) {
        Channel client = ctx.channel();
        for (byte channel : new byte[] {DATA, ERROR}) {
            client.write(new BinaryWebSocketFrame(
                    Unpooled.wrappedBuffer(new byte[] {channel, (byte) target.port(), (byte) (target.port() >> 8)})));
        }
        client.flush();
        ChannelFuture connected = new Bootstrap()
                .group(client.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
                .handler(new FromPod(client))
                .connect(target.address());
        connected.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                String reason = "error forwarding port " + target.port() + " to pod " + target.pod() + ": "
                        + done.cause().getMessage();
                LOG.info("port-forward {}", reason);
                ByteBuf message =
                        Unpooled.buffer().writeByte(ERROR).writeBytes(reason.getBytes(StandardCharsets.UTF_8));
                client.writeAndFlush(new BinaryWebSocketFrame(message));
                client.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                        .addListener(ChannelFutureListener.CLOSE);
                return;
            }
            pod = done.channel();
            if (!client.isActive()) {
                pod.close();
                return;
            }
            while (!early.isEmpty()) {
                pod.write(early.poll());
            }
            pod.flush();
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof BinaryWebSocketFrame frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ByteBuf content = frame.content();
        if (!content.isReadable()) {
            frame.release();
            return;
        }
        byte channel = content.readByte();
        if (channel != DATA || !content.isReadable()) {
            // the client's error channel carries nothing the kubelet acts on
            frame.release();
            return;
        }
        ByteBuf data = content.retainedSlice();
        frame.release();
        if (pod == null) {
            early.add(data);
            return;
        }
        pod.writeAndFlush(data);
        if (!pod.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** The client drained: the Pod side, paused because of it, may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && pod != null) {
            pod.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        early.forEach(ByteBuf::release);
        early.clear();
        if (pod != null) {
            pod.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("port-forward connection failed", cause);
        ctx.close();
    }

    /** Bytes from the Pod's port, framed on the data channel towards the client. */
    private static final class FromPod extends ChannelInboundHandlerAdapter {
        private final Channel client;

        FromPod(Channel client) {
            this.client = client;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf data = (ByteBuf) msg;
            ByteBuf framed = ctx.alloc()
                    .compositeBuffer(2)
                    .addComponents(true, ctx.alloc().buffer(1).writeByte(DATA), data);
            client.writeAndFlush(new BinaryWebSocketFrame(framed));
            if (!client.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                client.config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            client.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                    .addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
