package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.KubetunnelVersion;
import io.d2iq.kubetunnel.proxyenv.NettyProxyHandlers;
import io.d2iq.kubetunnel.register.Backoff;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.session.NettyTransport;
import io.d2iq.kubetunnel.tunnel.session.TunnelMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.NoopAddressResolverGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent: keeps one WebSocket to the tunnel server up (directly or through an HTTP CONNECT proxy,
 * TLS verified against the CA bundle or the JVM's roots), reconnecting with jittered exponential backoff.
 */
public final class TunnelAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelAgent.class);
    /** Ceiling of the first reconnect wait: the agent starts lower than the register Job's 1 s, as before the merge. */
    static final Duration FIRST_RECONNECT_CEILING = Duration.ofMillis(250);

    /** The WebSocket handshake (including a proxy CONNECT) must finish this soon. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final AgentSettings settings;
    private final TunnelMetrics metrics;
    private final EventLoopGroup group = NettyTransport.newGroup(1);
    private final Dialer dialer;
    private final Backoff backoff;
    /** Connects that failed since the last established session: the index into {@link #backoff}. */
    private int failedConnects;

    private final SslContext sslContext;
    private final AtomicInteger establishedCount = new AtomicInteger();
    private volatile AgentSession current;
    private volatile Channel connecting;
    private volatile boolean closed;

    /** The agent of the {@code agent} role: its streams' targets are dialed over TCP from this pod. */
    public TunnelAgent(AgentSettings settings, MeterRegistry meterRegistry) throws SSLException {
        this(settings, meterRegistry, new TargetDialer());
    }

    /** @param dialer opens each stream's target (once the allow-list admits it); the agent closes it */
    public TunnelAgent(AgentSettings settings, MeterRegistry meterRegistry, Dialer dialer) throws SSLException {
        this.settings = settings;
        this.dialer = dialer;
        this.metrics = new TunnelMetrics(meterRegistry, "agent");
        this.backoff = new Backoff(FIRST_RECONNECT_CEILING, settings.maxBackoff());
        this.sslContext = "wss".equalsIgnoreCase(settings.serverUri().getScheme()) ? clientSslContext() : null;
    }

    private SslContext clientSslContext() throws SSLException {
        LOG.info("tunnel TLS by {}", SslContext.defaultClientProvider());
        SslContextBuilder builder = SslContextBuilder.forClient();
        if (settings.caFile() != null) {
            builder.trustManager(settings.caFile().toFile());
        }
        return builder.build();
    }

    URI serverUri() {
        return settings.serverUri();
    }

    /** Starts connecting; returns at once (the agent keeps trying until closed). */
    public void start() {
        if (settings.allowList().isEmpty()) {
            LOG.warn(
                    "the allow-list is empty (no --allow and no KUBERNETES_SERVICE_HOST): every stream will be refused");
        }
        group.execute(this::connect);
    }

    private void connect() {
        if (closed) {
            return;
        }
        String token;
        try {
            token = Files.readString(settings.tokenFile(), StandardCharsets.UTF_8)
                    .trim();
        } catch (IOException e) {
            LOG.warn("cannot read the token file {}: {}", settings.tokenFile(), e.toString());
            scheduleReconnect();
            return;
        }
        URI uri = settings.serverUri();
        String host = uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : (sslContext != null ? 443 : 80);
        Optional<HttpProxyHandler> proxy = NettyProxyHandlers.forTunnelTo(settings.proxies(), host, port);
        proxy.ifPresent(p -> p.setConnectTimeoutMillis(HANDSHAKE_TIMEOUT.toMillis()));
        AgentSession session = new AgentSession(
                this, settings.allowList(), dialer, metrics, settings.keepAlive(), KubetunnelVersion.current());
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NettyTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) HANDSHAKE_TIMEOUT.toMillis())
                .option(
                        ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(
                                ProtocolConstants.TUNNEL_WRITE_LOW_WATER_MARK,
                                ProtocolConstants.TUNNEL_WRITE_HIGH_WATER_MARK))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ChannelPipeline pipeline = ch.pipeline();
                        proxy.ifPresent(p -> pipeline.addLast("proxy", p));
                        if (sslContext != null) {
                            pipeline.addLast("tls", verifyingSslHandler(ch, host, port));
                        }
                        pipeline.addLast("http", new HttpClientCodec());
                        pipeline.addLast(
                                "http-aggregator",
                                new HttpObjectAggregator(ProtocolConstants.MAX_UPGRADE_REQUEST_BYTES));
                        pipeline.addLast(
                                "websocket", new PingForwardingWebSocketClientHandler(webSocketConfig(uri, token)));
                        pipeline.addLast("websocket-binary-encoder", new InPlaceMaskingEncoder());
                        session.addTo(pipeline);
                    }
                });
        ChannelFuture future;
        if (proxy.isPresent()) {
            future = bootstrap
                    .resolver(NoopAddressResolverGroup.INSTANCE)
                    .connect(InetSocketAddress.createUnresolved(host, port));
        } else {
            future = bootstrap.connect(host, port);
        }
        connecting = future.channel();
        LOG.info(
                "connecting to {}{} ({} sockets)",
                uri,
                proxy.map(p -> " through proxy " + p.proxyAddress()
                                + (p.username() != null ? " (basic auth as " + p.username() + ")" : ""))
                        .orElse(""),
                NettyTransport.describe());
        future.addListener(f -> {
            if (!f.isSuccess()) {
                LOG.warn("cannot connect to {}: {}", uri, f.cause().toString());
                scheduleReconnect();
            }
        });
    }

    private SslHandler verifyingSslHandler(SocketChannel ch, String host, int port) {
        SslHandler handler = sslContext.newHandler(ch.alloc(), host, port);
        SSLEngine engine = handler.engine();
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        return handler;
    }

    private static WebSocketClientProtocolConfig webSocketConfig(URI uri, String token) {
        return WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .customHeaders(new DefaultHttpHeaders().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token))
                .maxFramePayloadLength(ProtocolConstants.MAX_FRAME_SIZE)
                .handshakeTimeoutMillis(HANDSHAKE_TIMEOUT.toMillis())
                .dropPongFrames(true)
                .build();
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        Duration delay = backoff.delay(failedConnects++);
        LOG.info("reconnecting to {} in {} ms", settings.serverUri(), delay.toMillis());
        group.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    void onEstablished(AgentSession session) {
        current = session;
        failedConnects = 0;
        establishedCount.incrementAndGet();
    }

    void onSessionClosed(AgentSession session) {
        if (current == session) {
            current = null;
        }
        if (!closed) {
            LOG.warn("tunnel to {} lost", settings.serverUri());
            scheduleReconnect();
        }
    }

    /** Whether a session is established right now. */
    public boolean isConnected() {
        AgentSession session = current;
        return session != null && !session.isClosed();
    }

    /** How many sessions this agent has established so far. */
    public int establishedSessions() {
        return establishedCount.get();
    }

    /** Streams in the current session's table (0 without a session). */
    public int streamCount() {
        AgentSession session = current;
        return session == null ? 0 : session.streamCount();
    }

    /** Bytes queued on the current session's tunnel socket that the server has not taken (0 without a session). */
    public long unsentBytes() {
        AgentSession session = current;
        return session == null ? 0 : session.unsentBytes();
    }

    public TunnelMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        closed = true;
        Channel channel = connecting;
        if (channel != null) {
            channel.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        dialer.close();
    }
}
