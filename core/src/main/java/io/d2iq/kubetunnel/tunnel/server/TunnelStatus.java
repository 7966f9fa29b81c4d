package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.status.TunnelServerReport;

/** The report the controller polls ({@code GET /status}, the {@code status-get} route). */
public final class TunnelStatus {

    private final SessionRegistry registry;

    public TunnelStatus(SessionRegistry registry) {
        this.registry = registry;
    }

    /** The current report; without an agent, {@link TunnelServerReport#NO_AGENT}. */
    public TunnelServerReport snapshot() {
        TunnelServerSession session = registry.current();
        if (session == null) {
            return TunnelServerReport.NO_AGENT;
        }
        return new TunnelServerReport(
                true,
                session.connectedSince().toString(),
                session.remoteAddress(),
                session.agentVersion(),
                session.streamCount());
    }
}
