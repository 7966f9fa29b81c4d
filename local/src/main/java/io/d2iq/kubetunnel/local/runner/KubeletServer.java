package io.d2iq.kubetunnel.local.runner;

import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the kubelet API that the runner's Node serves: {@code pods/portforward} over WebSocket
 * ({@code v4.channel.k8s.io}, the protocol fabric8's client speaks and kube-apiserver passes through to the kubelet
 * unchanged), so the laptop {@code kubeconfig} role and any client of the API's port-forward reach a Pod's port as on a
 * real node. HTTPS on a loopback port with a certificate from the runner's CA; kube-apiserver does not verify a
 * kubelet's certificate unless given {@code --kubelet-certificate-authority}, and it presents no client certificate
 * here, so like kwok's this endpoint authenticates nobody: it is bound to 127.0.0.1 and is for local clusters only.
 * Not served: SPDY (what kubectl's port-forward reaches the kubelet with), exec, attach, logs (docs/local-runner.md).
 */
final class KubeletServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletServer.class);
    /** The only subprotocol served: binary frames whose first byte is the channel (data 0, error 1). */
    static final String PORT_FORWARD_PROTOCOL = "v4.channel.k8s.io";

    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int MAX_FRAME_BYTES = 1024 * 1024;

    private final EventLoopGroup group;
    private final Channel server;

    private KubeletServer(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    /** Binds 127.0.0.1 on a free port and serves port-forwards to the Pods {@code pods} knows. */
    static KubeletServer start(CertificateAuthority ca, PodPorts pods) {
        SslContext tls = ca.issueLocalhost().serverContext();
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("local-kubelet", true));
        WebSocketServerProtocolConfig webSocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PortForwardRequest.PATH)
                .checkStartsWith(true)
                .subprotocols(PORT_FORWARD_PROTOCOL)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .build();
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(
                                            tls.newHandler(channel.alloc()),
                                            new HttpServerCodec(),
                                            new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                            new PortForwardRequest(pods),
                                            new WebSocketServerProtocolHandler(webSocket),
                                            new PortForwardRelay());
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sync()
                    .channel();
            LOG.info("kubelet API (port-forward) listening on https://127.0.0.1:{}", port(server));
            return new KubeletServer(group, server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("interrupted while binding the kubelet API", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    int port() {
        return port(server);
    }

    private static int port(Channel server) {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
