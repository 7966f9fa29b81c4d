package io.d2iq.kubetunnel.tunnel.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import java.util.List;

/** Tells SOCKS5 (first byte 5) from HTTP (an upper-case method name) and installs that handshake. */
final class ProxyProtocolDetector extends ByteToMessageDecoder {

    private static final int SOCKS5_VERSION = 5;

    private final StreamOpener opener;

    ProxyProtocolDetector(StreamOpener opener) {
        this.opener = opener;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (!in.isReadable()) {
            return;
        }
        int first = in.getUnsignedByte(in.readerIndex());
        String self = ctx.name();
        if (first == SOCKS5_VERSION) {
            ctx.pipeline().addAfter(self, "socks5-handshake", new Socks5Handshake(opener));
            ctx.pipeline().addAfter(self, "socks5-encoder", Socks5ServerEncoder.DEFAULT);
            ctx.pipeline().addAfter(self, "socks5-decoder", new Socks5InitialRequestDecoder());
        } else if (first >= 'A' && first <= 'Z') {
            ctx.pipeline().addAfter(self, "http-connect-handshake", new HttpConnectHandshake(opener));
            ctx.pipeline().addAfter(self, "http-decoder", new HttpRequestDecoder());
        } else {
            in.skipBytes(in.readableBytes());
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
    }
}
