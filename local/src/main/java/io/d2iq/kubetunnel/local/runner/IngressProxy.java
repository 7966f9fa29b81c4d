package io.d2iq.kubetunnel.local.runner;

import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local ingress controller's data plane: an HTTPS reverse proxy on a loopback port. TLS certificates
 * come from one CA: one for localhost/127.0.0.1, and one per Ingress host, chosen by SNI. Requests are
 * routed by {@link IngressRoutes} to the Service's loopback port, one backend per connection, chosen by its
 * first request ({@link FirstRequestRouter}); then bytes are relayed unchanged, WebSocket upgrades included.
 */
final class IngressProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngressProxy.class);

    private final EventLoopGroup group;
    private final Channel server;

    private IngressProxy(EventLoopGroup group, Channel server) {
        this.group = group;
        this.server = server;
    }

    static IngressProxy start(CertificateAuthority ca, Supplier<IngressRoutes> routes, BackendResolver backends) {
        SslContext localhost = ca.issueLocalhost().serverContext();
        Map<String, SslContext> byHost = new ConcurrentHashMap<>();
        // Only hosts some Ingress names get their own certificate; anything else gets the localhost one.
        io.netty.util.Mapping<String, SslContext> certificates =
                host -> host != null && routes.get().hosts().contains(host)
                        ? byHost.computeIfAbsent(
                                host, h -> ca.issueServer(List.of(h), List.of()).serverContext())
                        : localhost;
        EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("local-ingress", true));
        try {
            Channel server = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline()
                                    .addLast(new SniHandler(certificates), new FirstRequestRouter(routes, backends));
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .sync()
                    .channel();
            LOG.info(
                    "ingress proxy listening on https://127.0.0.1:{}",
                    ((InetSocketAddress) server.localAddress()).getPort());
            return new IngressProxy(group, server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw new IllegalStateException("interrupted while binding the ingress proxy", e);
        } catch (RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
