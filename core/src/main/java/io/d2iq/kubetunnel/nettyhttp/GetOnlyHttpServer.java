package io.d2iq.kubetunnel.nettyhttp;

import io.d2iq.kubetunnel.tunnel.session.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain HTTP/1.1 server on one port that answers GET requests from a {@link Handler}, as a Camel service (it
 * starts and stops with the context). One event loop thread; the handler runs on a cached Camel pool, so a slow
 * answer (a readiness check waiting for the Kubernetes API) never holds up another (the liveness probe), and an
 * idle port keeps no worker thread.
 */
public final class GetOnlyHttpServer extends ServiceSupport implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(GetOnlyHttpServer.class);
    /** Requests here carry no body: anything larger than a request head is refused by the aggregator. */
    private static final int MAX_CONTENT_BYTES = 8 * 1024;

    /** What one GET answers. */
    public record Reply(int status, String contentType, String body) {}

    /** Answers a GET of {@code path}; may block. */
    @FunctionalInterface
    public interface Handler {
        Reply get(String path, Map<String, List<String>> parameters, String accept);
    }

    private final String name;
    private final int port;
    private final Handler handler;
    private CamelContext camelContext;
    private EventLoopGroup group;
    private ExecutorService workers;
    private Channel listening;

    /** @param name for the thread names and the log line, e.g. {@code management} */
    public GetOnlyHttpServer(String name, int port, Handler handler) {
        this.name = name;
        this.port = port;
        this.handler = handler;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStart() throws Exception {
        workers = camelContext.getExecutorServiceManager().newCachedThreadPool(this, name);
        group = NettyTransport.newGroup(1);
        listening = new ServerBootstrap()
                .group(group)
                .channel(NettyTransport.serverSocketChannel())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpObjectAggregator(MAX_CONTENT_BYTES))
                                .addLast(new Answer());
                    }
                })
                .bind(new InetSocketAddress(port))
                .sync()
                .channel();
        LOG.info("{} port listening port={} transport={}", name, port, NettyTransport.describe());
    }

    @Override
    protected void doStop() {
        if (listening != null) {
            listening.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (workers != null) {
            camelContext.getExecutorServiceManager().shutdownNow(workers);
        }
    }

    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.method().equals(HttpMethod.GET)) {
                write(ctx, new Reply(405, "text/plain", "only GET\n"), keepAlive);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            String accept = request.headers().get(HttpHeaderNames.ACCEPT);
            workers.execute(() -> {
                Reply reply;
                try {
                    reply = handler.get(uri.path(), uri.parameters(), accept);
                } catch (RuntimeException e) {
                    LOG.warn("{} port request failed path={} error={}", name, uri.path(), e.toString());
                    reply = new Reply(500, "text/plain", "internal error\n");
                }
                write(ctx, reply, keepAlive);
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("{} port connection closed error={}", name, cause.toString());
            ctx.close();
        }

        private void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive) {
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()),
                    Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            HttpUtil.setContentLength(response, response.content().readableBytes());
            HttpUtil.setKeepAlive(response, keepAlive);
            ctx.writeAndFlush(response)
                    .addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
        }
    }
}
