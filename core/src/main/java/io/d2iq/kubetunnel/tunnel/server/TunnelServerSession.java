package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolException;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import io.d2iq.kubetunnel.tunnel.session.TunnelMetrics;
import io.d2iq.kubetunnel.tunnel.session.TunnelSession;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's end of one agent's WebSocket: negotiates the version from the agent's HELLO, then becomes
 * the current session (replacing any older one) and opens streams for proxy clients.
 */
final class TunnelServerSession extends TunnelSession {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelServerSession.class);

    private final SessionRegistry registry;
    private final String serverVersion;
    private ScheduledFuture<?> helloDeadline;
    private volatile String agentVersion;
    private volatile Instant connectedSince;

    TunnelServerSession(SessionRegistry registry, TunnelMetrics metrics, KeepAlive keepAlive, String serverVersion) {
        super(metrics, keepAlive);
        this.registry = registry;
        this.serverVersion = serverVersion;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        super.handlerAdded(ctx);
        helloDeadline = ctx.executor()
                .schedule(
                        () -> {
                            LOG.warn(
                                    "agent at {} sent no HELLO within {}, closing",
                                    remoteAddress(),
                                    ProtocolConstants.HELLO_TIMEOUT);
                            close("no HELLO within " + ProtocolConstants.HELLO_TIMEOUT);
                        },
                        ProtocolConstants.HELLO_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    @Override
    protected void onControl(Frame frame) {
        switch (frame.type()) {
            case HELLO -> hello(frame);
            case OPEN_ACK -> openAcknowledged(frame.streamId());
            case OPEN_FAIL -> openFailed(frame.streamId(), frame.failure(), frame.text());
            default -> throw new ProtocolException(frame.type() + " is not sent by agents");
        }
    }

    private void hello(Frame frame) {
        if (isEstablished()) {
            throw new ProtocolException("second HELLO");
        }
        helloDeadline.cancel(false);
        int version = Math.min(frame.maxVersion(), ProtocolConstants.MAX_VERSION);
        if (version < Math.max(frame.minVersion(), ProtocolConstants.MIN_VERSION)) {
            String reason = "unsupported protocol versions " + frame.minVersion() + ".." + frame.maxVersion()
                    + "; this server speaks " + ProtocolConstants.MIN_VERSION + ".." + ProtocolConstants.MAX_VERSION;
            LOG.warn("agent at {}: {}", remoteAddress(), reason);
            close(reason);
            return;
        }
        agentVersion = frame.text();
        connectedSince = Instant.now();
        send(Frame.hello(version, version, serverVersion));
        established(version);
        LOG.info("agent {} connected from {} (protocol {})", agentVersion, remoteAddress(), version);
        registry.install(this);
    }

    @Override
    protected void onClosed() {
        if (helloDeadline != null) {
            helloDeadline.cancel(false);
        }
        if (agentVersion != null) {
            LOG.info("agent {} at {} disconnected", agentVersion, remoteAddress());
        }
        registry.remove(this);
    }

    String agentVersion() {
        return agentVersion;
    }

    Instant connectedSince() {
        return connectedSince;
    }

    /** {@code host:port} of the agent as this server sees it (an Ingress controller's address behind one). */
    String remoteAddress() {
        if (channel() != null && channel().remoteAddress() instanceof InetSocketAddress address) {
            String host =
                    address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
        }
        return null;
    }
}
