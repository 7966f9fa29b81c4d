package io.d2iq.kubetunnel.local.runner;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the ingress proxy. Each request opens a connection to its backend (same event
 * loop, so no locking) and the response streams back; requests on a kept-alive connection are served one at
 * a time, in order. A {@code 101 Switching Protocols} answer turns both connections into a plain byte relay
 * (HTTP codecs removed), which carries WebSocket frames unchanged.
 */
final class ProxyFrontendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyFrontendHandler.class);

    private final Supplier<IngressRoutes> routes;
    private final BackendResolver backends;
    private ChannelHandlerContext ctx;
    /** The backend of the request in flight, or of the relay once upgraded. */
    private Channel backend;
    /** Messages of the request in flight that arrived before its backend connected. */
    private final Deque<Object> unsent = new ArrayDeque<>();
    /** Messages of later requests, held until the response in flight is complete. */
    private final Deque<Object> later = new ArrayDeque<>();
    private boolean inFlight;
    private boolean requestComplete;
    private boolean discarding;
    private boolean responseStarted;
    /** A 1xx answer (e.g. 100 Continue) is in progress: its end is not the end of the response. */
    private boolean informational;
    private boolean keepAlive;
    private boolean upgraded;

    ProxyFrontendHandler(Supplier<IngressRoutes> routes, BackendResolver backends) {
        this.routes = routes;
        this.backends = backends;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (upgraded || msg instanceof ByteBuf) {
            relay(msg);
        } else if (discarding) {
            discarding = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
        } else if (inFlight && requestComplete) {
            later.add(msg);
            ctx.channel().config().setAutoRead(false);
        } else if (msg instanceof HttpRequest request) {
            begin(request);
        } else if (msg instanceof HttpContent content) {
            requestComplete = content instanceof LastHttpContent;
            if (backend != null && backend.isActive()) {
                backend.writeAndFlush(content);
            } else {
                unsent.add(content);
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            answer(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", false);
            return;
        }
        keepAlive = HttpUtil.isKeepAlive(request);
        String host = request.headers().get(HttpHeaderNames.HOST);
        String path = new QueryStringDecoder(request.uri()).path();
        Optional<IngressRoutes.Backend> route = routes.get().match(host, path);
        if (route.isEmpty()) {
            reject(HttpResponseStatus.NOT_FOUND, "no Ingress rule matches host " + host + " path " + path);
            return;
        }
        IngressRoutes.Backend target = route.get();
        Optional<InetSocketAddress> address = backends.resolve(target.namespace(), target.service(), target.port());
        if (address.isEmpty()) {
            reject(HttpResponseStatus.SERVICE_UNAVAILABLE, "Service " + target.namespace() + "/" + target.service()
                    + " port " + target.port() + " has no running workload");
            return;
        }
        inFlight = true;
        requestComplete = false;
        responseStarted = false;
        request.headers().set("X-Forwarded-Proto", "https");
        request.headers().set("X-Forwarded-For", ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress());
        unsent.add(request);
        connect(address.get());
    }

    private void connect(InetSocketAddress address) {
        ctx.channel().config().setAutoRead(false);
        new Bootstrap().group(ctx.channel().eventLoop()).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpClientCodec(), new ProxyBackendHandler(ProxyFrontendHandler.this));
                    }
                })
                .connect(address).addListener((ChannelFutureListener) future -> {
                    if (!future.isSuccess()) {
                        LOG.info("ingress backend {} refused the connection: {}", address, future.cause().toString());
                        unsent.forEach(ReferenceCountUtil::release);
                        unsent.clear();
                        inFlight = false;
                        discarding = !requestComplete;
                        answer(HttpResponseStatus.BAD_GATEWAY, "the backend at " + address + " is not reachable", keepAlive);
                        return;
                    }
                    backend = future.channel();
                    while (!unsent.isEmpty()) {
                        backend.write(unsent.poll());
                    }
                    backend.flush();
                    ctx.channel().config().setAutoRead(true);
                });
    }

    /** From the backend: a response head or content, in order. */
    void fromBackend(Channel from, Object msg) {
        if (from != backend) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response) {
            int code = response.status().code();
            informational = code >= 100 && code < 200 && code != 101;
            responseStarted = true;
            keepAlive = keepAlive && HttpUtil.isKeepAlive(response);
        }
        boolean switching = msg instanceof HttpResponse response && response.status().code() == 101;
        ctx.writeAndFlush(msg);
        if (switching) {
            upgrade();
        } else if (msg instanceof LastHttpContent && informational) {
            informational = false;
        } else if (msg instanceof LastHttpContent) {
            responseComplete();
        }
    }

    /**
     * Both codecs go: the 101 has been encoded, and the client decoder has handed on, as raw bytes, anything
     * the backend sent after it.
     */
    private void upgrade() {
        upgraded = true;
        ctx.pipeline().remove(HttpServerCodec.class);
        backend.pipeline().remove(HttpClientCodec.class);
        backend.pipeline().get(ProxyBackendHandler.class).upgraded();
        ctx.channel().config().setAutoRead(true);
    }

    private void responseComplete() {
        Channel done = backend;
        backend = null;
        inFlight = false;
        done.close();
        if (!keepAlive) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        List<Object> next = new ArrayList<>(later);
        later.clear();
        ctx.channel().config().setAutoRead(true);
        next.forEach(msg -> channelRead(ctx, msg));
    }

    /** Raw bytes after an upgrade, either way; reading pauses while the other side cannot take more. */
    private void relay(Object msg) {
        ByteBuf bytes = bytesOf(msg);
        if (bytes == null || backend == null || !backend.isActive()) {
            ReferenceCountUtil.release(bytes);
            return;
        }
        backend.writeAndFlush(bytes);
        if (!backend.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    /** From the backend after the upgrade. */
    void relayFromBackend(Object msg) {
        ByteBuf bytes = bytesOf(msg);
        if (bytes == null) {
            return;
        }
        ctx.writeAndFlush(bytes);
        if (!ctx.channel().isWritable() && backend != null) {
            backend.config().setAutoRead(false);
        }
    }

    /**
     * The bytes of a relayed message: codecs being removed may still hand on an HTTP message (the empty last
     * content that ends a 101), which carries no bytes of the upgraded protocol.
     */
    private static ByteBuf bytesOf(Object msg) {
        if (msg instanceof ByteBuf bytes) {
            return bytes;
        }
        if (msg instanceof HttpContent content && content.content().isReadable()) {
            return content.content();
        }
        ReferenceCountUtil.release(msg);
        return null;
    }

    /** The backend became writable again (relay). */
    void backendWritable() {
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (upgraded && backend != null && ctx.channel().isWritable()) {
            backend.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The backend connection closed. */
    void backendClosed(Channel closed) {
        if (closed != backend) {
            return;
        }
        backend = null;
        if (upgraded || responseStarted) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            inFlight = false;
            discarding = !requestComplete;
            answer(HttpResponseStatus.BAD_GATEWAY, "the backend closed the connection without answering", false);
        }
    }

    private void reject(HttpResponseStatus status, String message) {
        discarding = true;
        answer(status, message, keepAlive);
    }

    private void answer(HttpResponseStatus status, String message, boolean keepOpen) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=UTF-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepOpen);
        var written = ctx.writeAndFlush(response);
        if (!keepOpen) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (backend != null) {
            backend.close();
        }
        unsent.forEach(ReferenceCountUtil::release);
        later.forEach(ReferenceCountUtil::release);
        unsent.clear();
        later.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("ingress client connection failed: {}", cause.toString());
        ctx.close();
    }
}
