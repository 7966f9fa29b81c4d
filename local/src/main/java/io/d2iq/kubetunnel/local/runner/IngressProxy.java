package io.d2iq.kubetunnel.local.runner;

import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

    private final LoopbackServer server;

    private IngressProxy(LoopbackServer server) {
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
        LoopbackServer server = LoopbackServer.bind("local-ingress", new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline().addLast(new SniHandler(certificates), new FirstRequestRouter(routes, backends));
            }
        });
        LOG.info("ingress proxy listening on https://127.0.0.1:{}", server.port());
        return new IngressProxy(server);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
