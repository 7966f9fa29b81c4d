package io.d2iq.kubetunnel.local.runner;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start of one client connection of the ingress proxy (after TLS): collects the head of the first request,
 * picks its backend by Host and path, connects, and then gets out of the way: both connections become a
 * {@link ByteRelay}, which carries later requests, 100 Continue and WebSocket upgrades unchanged. Later requests
 * on a kept-alive connection therefore go to the first request's backend (docs/local-runner.md).
 */
final class FirstRequestRouter extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(FirstRequestRouter.class);
    /** Larger heads are refused, as ingress-nginx refuses them (its large_client_header_buffers). */
    private static final int MAX_HEAD_BYTES = 32 * 1024;

    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private final Supplier<IngressRoutes> routes;
    private final BackendResolver backends;
    /** Everything the client sent so far; handed to the backend once connected. */
    private ByteBuf received;
    /** The first request's head has been read (and answered, or its backend is being connected). */
    private boolean routed;

    FirstRequestRouter(Supplier<IngressRoutes> routes, BackendResolver backends) {
        this.routes = routes;
        this.backends = backends;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        received = ctx.alloc().buffer();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(msg);
            return;
        }
        received.writeBytes(bytes);
        bytes.release();
        if (routed) {
            return;
        }
        int headEnd = ByteBufUtil.indexOf(Unpooled.wrappedBuffer(END_OF_HEAD), received);
        if (headEnd < 0) {
            if (received.readableBytes() > MAX_HEAD_BYTES) {
                routed = true;
                answerAndClose(ctx, "431 Request Header Fields Too Large", "request header too large");
            }
            return;
        }
        routed = true;
        route(
                ctx,
                received.toString(
                        received.readerIndex(), headEnd - received.readerIndex(), StandardCharsets.ISO_8859_1));
    }

    private void route(ChannelHandlerContext ctx, String head) {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        if (requestLine.length != 3) {
            answerAndClose(ctx, "400 Bad Request", "malformed HTTP request");
            return;
        }
        String host = null;
        for (int i = 1; i < lines.length && host == null; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0
                    && lines[i].substring(0, colon)
                            .strip()
                            .toLowerCase(Locale.ROOT)
                            .equals("host")) {
                host = lines[i].substring(colon + 1).strip();
            }
        }
        String target = requestLine[1];
        String path = target.indexOf('?') >= 0 ? target.substring(0, target.indexOf('?')) : target;
        Optional<IngressRoutes.Backend> route = routes.get().match(host, path);
        if (route.isEmpty()) {
            answerAndClose(
                    ctx,
                    "404 Not Found",
                    "default backend - 404: no Ingress rule matches host " + host + " path " + path);
            return;
        }
        IngressRoutes.Backend backend = route.get();
        Optional<InetSocketAddress> address = backends.resolve(backend.namespace(), backend.service(), backend.port());
        if (address.isEmpty()) {
            answerAndClose(
                    ctx,
                    "503 Service Unavailable",
                    "Service " + backend.namespace() + "/" + backend.service() + " port " + backend.port()
                            + " has no running workload");
            return;
        }
        connect(ctx, address.get());
    }

    /** The client connection pauses until the backend answers the connect; what it already sent waits in {@link #received}. */
    private void connect(ChannelHandlerContext ctx, InetSocketAddress address) {
        Channel client = ctx.channel();
        client.config().setAutoRead(false);
        new Bootstrap()
                .group(client.eventLoop())
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ByteRelay(client))
                .connect(address)
                .addListener((ChannelFutureListener) connected -> {
                    if (!connected.isSuccess()) {
                        LOG.info(
                                "ingress backend {} refused the connection: {}",
                                address,
                                connected.cause().toString());
                        answerAndClose(ctx, "502 Bad Gateway", "the backend at " + address + " is not reachable");
                        return;
                    }
                    Channel backend = connected.channel();
                    if (!client.isActive()) {
                        backend.close();
                        return;
                    }
                    ByteBuf sentSoFar = received;
                    received = null;
                    ctx.pipeline().replace(this, "relay", new ByteRelay(backend));
                    backend.writeAndFlush(sentSoFar);
                    client.config().setAutoRead(true);
                    backend.config().setAutoRead(true);
                });
    }

    private void answerAndClose(ChannelHandlerContext ctx, String status, String message) {
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        ByteBuf response = ctx.alloc()
                .buffer()
                .writeBytes(head.getBytes(StandardCharsets.ISO_8859_1))
                .writeBytes(body);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (received != null) {
            received.release();
            received = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("ingress client connection failed: {}", cause.toString());
        ctx.close();
    }
}
