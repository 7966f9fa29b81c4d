package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.guard.PreAuthentication;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * Sits right after the request decoder, before Camel aggregates the body: a request that may carry a body
 * (anything but GET and HEAD) without the connector's token is answered 401 from its head and the connection
 * closes, so not one byte of its body is read. A request with the token leaves pre-authentication once it
 * has arrived whole. One instance per connection.
 */
final class TokenBeforeBody extends ChannelInboundHandlerAdapter {

    private final RegistrationHandler registration;
    private boolean refused;
    private boolean authorized;

    TokenBeforeBody(RegistrationHandler registration) {
        this.registration = registration;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && mayCarryBody(request)) {
            WebhookReply refusal = registration.refusal(request.headers().get(HttpHeaderNames.AUTHORIZATION));
            if (refusal != null) {
                refused = true;
                ReferenceCountUtil.release(msg);
                refuse(ctx, refusal);
                return;
            }
            authorized = true;
        }
        if (authorized && msg instanceof LastHttpContent) {
            authorized = false;
            PreAuthentication.passed(ctx.pipeline());
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean mayCarryBody(HttpRequest request) {
        return !HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method());
    }

    private static void refuse(ChannelHandlerContext ctx, WebhookReply reply) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reply.status()),
                Unpooled.copiedBuffer(reply.json(), StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.WWW_AUTHENTICATE, WebhookReply.BEARER_CHALLENGE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        // from the tail, through Camel's response encoder, which sits after this handler
        ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
