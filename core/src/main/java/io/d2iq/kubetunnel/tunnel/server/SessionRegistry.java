package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.proxy.StreamOpener;
import io.d2iq.kubetunnel.tunnel.session.StreamOpenListener;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one current agent session of this connector; a newer session replaces the older one atomically. */
public final class SessionRegistry implements StreamOpener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final AtomicReference<TunnelServerSession> current = new AtomicReference<>();

    void install(TunnelServerSession session) {
        TunnelServerSession previous = current.getAndSet(session);
        if (previous != null && previous != session) {
            LOG.info(
                    "agent session from {} replaced by the one from {}",
                    previous.remoteAddress(),
                    session.remoteAddress());
            previous.close("replaced by a newer agent session");
        }
    }

    void remove(TunnelServerSession session) {
        current.compareAndSet(session, null);
    }

    TunnelServerSession current() {
        return current.get();
    }

    @Override
    public void open(String target, Channel client, StreamOpenListener listener) {
        TunnelServerSession session = current.get();
        if (session == null) {
            listener.failed(DialFailure.NO_AGENT, "no agent connected");
        } else {
            session.openStream(target, client, listener);
        }
    }

    @Override
    public EventLoop preferredLoop() {
        TunnelServerSession session = current.get();
        return session == null || session.isClosed() ? null : session.channel().eventLoop();
    }
}
