package io.d2iq.kubetunnel.local.runner;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The kubelet API's answer to a request it will not upgrade: a 4xx with a one-line plain-text reason, then close. */
final class KubeletRefusal {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletRefusal.class);

    private KubeletRefusal() {}

    /** @param subresource what was asked for ("exec", "port-forward"), for the log */
    static void refuse(
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            String subresource,
            HttpResponseStatus status,
            String reason) {
        LOG.info("{} refused: {} {}", subresource, status.code(), reason);
        request.release();
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        DefaultFullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
