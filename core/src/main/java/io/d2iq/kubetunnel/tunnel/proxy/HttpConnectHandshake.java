package io.d2iq.kubetunnel.tunnel.proxy;

import io.d2iq.kubetunnel.tunnel.frame.Target;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP CONNECT: {@code 200 Connection established} once the agent connected the target, else the
 * failure's HTTP status with the reason in the body. Responses are written as raw bytes because the
 * connection stops being HTTP right after.
 */
final class HttpConnectHandshake extends SimpleChannelInboundHandler<HttpObject> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpConnectHandshake.class);

    private final StreamOpener opener;
    private boolean requested;

    HttpConnectHandshake(StreamOpener opener) {
        this.opener = opener;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
        if (!(message instanceof HttpRequest request) || requested) {
            return;
        }
        requested = true;
        Channel client = ctx.channel();
        if (request.decoderResult().isFailure()) {
            respondAndClose(client, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request");
        } else if (!HttpMethod.CONNECT.equals(request.method())) {
            respondAndClose(
                    client,
                    HttpResponseStatus.METHOD_NOT_ALLOWED,
                    "this port is a proxy: only CONNECT host:port is supported");
        } else {
            try {
                connect(client, Target.parse(request.uri()).toString());
            } catch (IllegalArgumentException e) {
                respondAndClose(client, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            }
        }
    }

    private void connect(Channel client, String target) {
        ClientReplies.openStream(
                opener,
                client,
                target,
                "HTTP",
                () -> client.writeAndFlush(Unpooled.copiedBuffer(
                        "HTTP/1.1 200 Connection established\r\n\r\n", StandardCharsets.US_ASCII)),
                (failure, message) ->
                        respondAndClose(client, HttpResponseStatus.valueOf(failure.httpStatus()), message),
                "http-decoder",
                "http-connect-handshake");
    }

    private static void respondAndClose(Channel client, HttpResponseStatus status, String reason) {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status.code() + " " + status.reasonPhrase() + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        client.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP CONNECT handshake from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
