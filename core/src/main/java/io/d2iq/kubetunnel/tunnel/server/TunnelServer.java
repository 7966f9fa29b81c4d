package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.KubetunnelVersion;
import io.d2iq.kubetunnel.auth.Authenticator;
import io.d2iq.kubetunnel.nettyhttp.ExtensibleNettyHttpComponent;
import io.d2iq.kubetunnel.observe.ManagementEndpoints;
import io.d2iq.kubetunnel.observe.ReadinessCheck;
import io.d2iq.kubetunnel.tunnel.proxy.ProxyServer;
import io.d2iq.kubetunnel.tunnel.session.TunnelMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLException;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tunnel-server} role as an object tests can start and stop: a camel-main application whose
 * netty-http port serves the plain routes and accepts the agent's WebSocket, plus the proxy port and, unless
 * its port is 0, the management port ({@code /observe/health}, {@code /observe/metrics}).
 */
public final class TunnelServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelServer.class);

    static final String ROUTES = "classpath:tunnel-server/http.camel.yaml";
    /** Id of the readiness check that the proxy port is bound. */
    public static final String PROXY_PORT_CHECK = "proxy-port";

    private final TunnelServerSettings settings;
    private final Authenticator authenticator;
    private final int managementPort;
    private final SessionRegistry registry = new SessionRegistry();
    private final PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TunnelMetrics metrics = new TunnelMetrics(meterRegistry, "server");
    private final ProxyServer proxyServer;
    private Main main;
    private volatile InetSocketAddress proxyAddress;

    /**
     * @param authenticator whether an agent's upgrade request may open the tunnel (production: the connector's token)
     * @param managementPort port of /observe/health and /observe/metrics, 0 for none
     */
    public TunnelServer(TunnelServerSettings settings, Authenticator authenticator, int managementPort) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.managementPort = managementPort;
        this.proxyServer = new ProxyServer(registry, settings.limits());
    }

    /** Starts the HTTP/WebSocket port and the proxy port; returns once both listen. */
    public void start() throws Exception {
        String version = KubetunnelVersion.current();
        ExtensibleNettyHttpComponent http = new ExtensibleNettyHttpComponent(new TunnelPortPipeline(
                sslContext(),
                TunnelUpgradeHandler.factory(
                        authenticator, () -> new TunnelServerSession(registry, metrics, settings.keepAlive(), version)),
                settings.limits()));
        main = new Main();
        main.configure().withRoutesIncludePattern(ROUTES).withName("tunnel-server");
        main.addInitialProperty("kubetunnel.bind", settings.bind());
        main.addInitialProperty("kubetunnel.port", String.valueOf(settings.port()));
        main.bind("netty-http", http);
        main.bind("tunnelStatus", new TunnelStatus(registry));
        main.bind(
                PROXY_PORT_CHECK,
                new ReadinessCheck(
                        PROXY_PORT_CHECK, () -> proxyAddress != null, "the proxy port is not listening yet"));
        ManagementEndpoints.install(main, managementPort, meterRegistry);
        main.start();
        proxyAddress = proxyServer.start(settings.bind(), settings.proxyPort());
    }

    /** Blocks until the JVM is asked to stop (the role's main loop). */
    public void awaitShutdown() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            close();
                            stopped.countDown();
                        },
                        "tunnel-server-shutdown"));
        stopped.await();
    }

    private SslContext sslContext() throws SSLException {
        if (settings.tlsCert() == null) {
            return null;
        }
        LOG.info("tunnel port TLS by {}", SslContext.defaultServerProvider());
        return SslContextBuilder.forServer(
                        settings.tlsCert().toFile(), settings.tlsKey().toFile())
                .build();
    }

    public InetSocketAddress proxyAddress() {
        return proxyAddress;
    }

    public TunnelMetrics metrics() {
        return metrics;
    }

    /** Streams in the current session's table (0 without a session). */
    public int streamCount() {
        TunnelServerSession session = registry.current();
        return session == null ? 0 : session.streamCount();
    }

    /** Bytes queued on the current session's tunnel socket that the agent has not taken (0 without a session). */
    public long unsentBytes() {
        TunnelServerSession session = registry.current();
        return session == null ? 0 : session.unsentBytes();
    }

    public boolean agentConnected() {
        return registry.current() != null;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return meterRegistry;
    }

    @Override
    public void close() {
        proxyServer.close();
        TunnelServerSession session = registry.current();
        if (session != null) {
            session.channel().close().syncUninterruptibly();
        }
        if (main != null && main.isStarted()) {
            try {
                main.stop();
            } catch (Exception e) {
                throw new IllegalStateException("cannot stop the tunnel server", e);
            }
        }
    }
}
