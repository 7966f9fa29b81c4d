package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.auth.Authenticator;
import io.d2iq.kubetunnel.guard.PreAuthentication;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts or refuses one WebSocket upgrade: only the connector's Bearer token is accepted (401 and
 * nothing opened otherwise); then the handshake replaces HTTP with WebSocket and a new session starts.
 */
final class TunnelUpgradeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelUpgradeHandler.class);

    private static final WebSocketDecoderConfig DECODER_CONFIG = WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(ProtocolConstants.MAX_FRAME_SIZE)
            .allowExtensions(false)
            .build();

    private final Authenticator authenticator;
    private final Supplier<TunnelServerSession> sessions;

    TunnelUpgradeHandler(Authenticator authenticator, Supplier<TunnelServerSession> sessions) {
        this.authenticator = authenticator;
        this.sessions = sessions;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!authenticator.isAuthorized(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            LOG.warn(
                    "refused tunnel upgrade from {} on {}: missing or wrong connector token",
                    ctx.channel().remoteAddress(),
                    request.uri());
            refuse(ctx, HttpResponseStatus.UNAUTHORIZED, "a valid connector token is required\n");
            return;
        }
        PreAuthentication.passed(ctx.pipeline());
        String url = "ws://" + request.headers().get(HttpHeaderNames.HOST, "localhost") + request.uri();
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, null, DECODER_CONFIG).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel())
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.channel()
                .config()
                .setWriteBufferWaterMark(new WriteBufferWaterMark(
                        ProtocolConstants.TUNNEL_WRITE_LOW_WATER_MARK, ProtocolConstants.TUNNEL_WRITE_HIGH_WATER_MARK));
        ChannelPipeline pipeline = ctx.pipeline();
        sessions.get().addTo(pipeline);
        pipeline.remove(this);
        handshaker.handshake(ctx.channel(), request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private static void refuse(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(message, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("tunnel upgrade from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** A new handler per connection (it is not sharable). */
    static Supplier<ChannelHandler> factory(Authenticator authenticator, Supplier<TunnelServerSession> sessions) {
        return () -> new TunnelUpgradeHandler(authenticator, sessions);
    }
}
