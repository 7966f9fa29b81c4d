package io.d2iq.kubetunnel.tunnel.proxy;

import io.d2iq.kubetunnel.tunnel.frame.Target;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SOCKS5 without authentication (the port is in-cluster only), CONNECT only. Domain names are passed to the
 * agent unresolved; the agent's dial result comes back as the SOCKS reply code.
 */
final class Socks5Handshake extends SimpleChannelInboundHandler<Socks5Message> {

    private static final Logger LOG = LoggerFactory.getLogger(Socks5Handshake.class);

    private final StreamOpener opener;

    Socks5Handshake(StreamOpener opener) {
        this.opener = opener;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Socks5Message message) {
        if (message.decoderResult().isFailure()) {
            ctx.close();
        } else if (message instanceof Socks5InitialRequest initial) {
            if (initial.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
                ctx.pipeline().replace("socks5-decoder", "socks5-decoder", new Socks5CommandRequestDecoder());
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
            } else {
                ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        } else if (message instanceof Socks5CommandRequest request) {
            if (request.type() != Socks5CommandType.CONNECT) {
                reply(ctx.channel(), Socks5CommandStatus.COMMAND_UNSUPPORTED).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            connect(ctx.channel(), new Target(request.dstAddr(), request.dstPort()).toString());
        } else {
            ctx.close();
        }
    }

    private void connect(Channel client, String target) {
        ClientReplies.openStream(
                opener,
                client,
                target,
                "SOCKS5",
                () -> reply(client, Socks5CommandStatus.SUCCESS),
                (failure, message) -> reply(client, Socks5CommandStatus.valueOf((byte) failure.socksReply()))
                        .addListener(ChannelFutureListener.CLOSE),
                "socks5-decoder",
                "socks5-encoder",
                "socks5-handshake");
    }

    private static io.netty.channel.ChannelFuture reply(Channel client, Socks5CommandStatus status) {
        return client.writeAndFlush(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("SOCKS5 handshake from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
