package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.FrameType;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolException;
import io.d2iq.kubetunnel.tunnel.frame.Target;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import io.d2iq.kubetunnel.tunnel.session.TunnelMetrics;
import io.d2iq.kubetunnel.tunnel.session.TunnelSession;
import io.d2iq.kubetunnel.tunnel.session.TunnelStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The agent's end of the tunnel: says HELLO, then dials the targets the server asks for (if allowed). */
final class AgentSession extends TunnelSession {

    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);

    private final TunnelAgent agent;
    private final AllowList allowList;
    private final Dialer dialer;
    private final String agentVersion;
    private ScheduledFuture<?> helloDeadline;

    AgentSession(
            TunnelAgent agent,
            AllowList allowList,
            Dialer dialer,
            TunnelMetrics metrics,
            KeepAlive keepAlive,
            String agentVersion) {
        super(metrics, keepAlive);
        this.agent = agent;
        this.allowList = allowList;
        this.dialer = dialer;
        this.agentVersion = agentVersion;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            send(Frame.hello(ProtocolConstants.MIN_VERSION, ProtocolConstants.MAX_VERSION, agentVersion));
            helloDeadline = ctx.executor()
                    .schedule(
                            () -> {
                                LOG.warn(
                                        "tunnel server {} did not answer HELLO within {}",
                                        agent.serverUri(),
                                        ProtocolConstants.HELLO_TIMEOUT);
                                ctx.close();
                            },
                            ProtocolConstants.HELLO_TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    protected void onControl(Frame frame) {
        if (frame.type() == FrameType.HELLO) {
            if (isEstablished() || helloDeadline == null) {
                throw new ProtocolException("HELLO that answers no HELLO of ours");
            }
            int version = frame.maxVersion();
            if (version < ProtocolConstants.MIN_VERSION || version > ProtocolConstants.MAX_VERSION) {
                throw new ProtocolException("server chose unsupported protocol version " + version);
            }
            helloDeadline.cancel(false);
            established(version);
            LOG.info("tunnel to {} established (server {}, protocol {})", agent.serverUri(), frame.text(), version);
            agent.onEstablished(this);
        } else if (frame.type() == FrameType.OPEN) {
            open(frame.streamId(), frame.text());
        } else {
            throw new ProtocolException(frame.type() + " is not sent by servers");
        }
    }

    private void open(int id, String target) {
        String refusal = allowList.refusal(target);
        if (refusal != null) {
            LOG.info("refused stream {}: {}", id, refusal);
            refuseOpen(id, DialFailure.NOT_ALLOWED, refusal);
            return;
        }
        TunnelStream stream = acceptOpen(id, target);
        if (stream == null) {
            return;
        }
        dialer.dial(Target.parse(target), eventLoop(), (channel, cause) -> {
            if (channel != null) {
                dialSucceeded(stream, channel);
            } else {
                DialFailure failure = TargetDialer.classify(cause);
                LOG.info("stream {}: cannot connect {}: {} ({})", id, target, failure, cause.getMessage());
                dialFailed(stream, failure, "agent cannot connect " + target + ": " + cause.getMessage());
            }
        });
    }

    @Override
    protected void onClosed() {
        if (helloDeadline != null) {
            helloDeadline.cancel(false);
        }
        agent.onSessionClosed(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WebSocketClientHandshakeException) {
            LOG.warn("tunnel server {} refused the WebSocket: {}", agent.serverUri(), cause.getMessage());
            ctx.close();
        } else {
            super.exceptionCaught(ctx, cause);
        }
    }
}
