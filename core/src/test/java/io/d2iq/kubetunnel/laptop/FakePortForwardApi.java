package io.d2iq.kubetunnel.laptop;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A management API that serves only what the kubeconfig role needs, with what the embedded API lacks: GETs of
 * {@link #objects}, a Pod list (whatever {@link #pods} holds now) and {@code pods/portforward} over WebSocket ({@code v4.channel.k8s.io}), where each "Pod"
 * answers a SOCKS5 greeting as the tunnel server does and every other chunk on the data channel with
 * {@code <pod>:<chunk>}, so a test sees which Pod it reached.
 */
final class FakePortForwardApi implements AutoCloseable {

    private static final Pattern PORT_FORWARD =
            Pattern.compile("/api/v1/namespaces/[^/]+/pods/([^/]+)/portforward\\?ports=(\\d+)");

    final List<Pod> pods = new CopyOnWriteArrayList<>();
    /** Objects served by GET, by path (e.g. a TunnelConnector, a Secret); anything else not listed is 404. */
    final Map<String, Object> objects = new ConcurrentHashMap<>();

    final List<String> forwardedTo = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel server;

    FakePortForwardApi() throws InterruptedException {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Router());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    String url() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    private final class Router extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Matcher forward = PORT_FORWARD.matcher(request.uri());
            if (forward.matches()) {
                String pod = forward.group(1);
                int port = Integer.parseInt(forward.group(2));
                forwardedTo.add(pod);
                ctx.pipeline()
                        .addLast(
                                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                                        .websocketPath(request.uri())
                                        .checkStartsWith(true)
                                        .subprotocols("v4.channel.k8s.io")
                                        .build()),
                                new PodEcho(pod, port));
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(request.retain());
                return;
            }
            String path = request.uri().replaceFirst("\\?.*", "");
            Object object = path.endsWith("/pods")
                    ? new PodListBuilder()
                            .withItems(pods)
                            .withNewMetadata()
                            .endMetadata()
                            .build()
                    : objects.get(path);
            HttpResponseStatus status = object == null ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.OK;
            byte[] body = (object == null
                            ? "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
                            : Serialization.asJson(object))
                    .getBytes(StandardCharsets.UTF_8);
            DefaultFullHttpResponse response =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(response);
        }
    }

    /** The Pod's end of one port-forward: the two port announcements, then an echo tagged with the Pod's name. */
    private static final class PodEcho extends SimpleChannelInboundHandler<BinaryWebSocketFrame> {
        private final String pod;
        private final int port;

        PodEcho(String pod, int port) {
            this.pod = pod;
            this.port = port;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                for (int channel = 0; channel < 2; channel++) {
                    ctx.write(new BinaryWebSocketFrame(
                            Unpooled.wrappedBuffer(new byte[] {(byte) channel, (byte) port, (byte) (port >> 8)})));
                }
                ctx.flush();
            }
            super.userEventTriggered(ctx, event);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, BinaryWebSocketFrame frame) {
            ByteBuf in = frame.content();
            if (in.readableBytes() < 2 || in.readByte() != 0) {
                return;
            }
            if (in.readableBytes() == 3 && in.getByte(in.readerIndex()) == 5) {
                // a SOCKS5 greeting, as the probe sends it: the tunnel server's method selection answer
                ctx.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {0, 5, 0})));
                return;
            }
            ByteBuf out = Unpooled.buffer()
                    .writeByte(0)
                    .writeBytes((pod + ":").getBytes(StandardCharsets.UTF_8))
                    .writeBytes(in);
            ctx.writeAndFlush(new BinaryWebSocketFrame(out));
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
