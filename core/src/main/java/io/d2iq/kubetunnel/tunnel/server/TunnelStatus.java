package io.d2iq.kubetunnel.tunnel.server;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON status the controller polls ({@code GET /status}). Its keys are a contract:
 * agentConnected, connectedSince (ISO-8601), remoteAddress, agentVersion, streamsOpen.
 */
public final class TunnelStatus {

    private final SessionRegistry registry;

    public TunnelStatus(SessionRegistry registry) {
        this.registry = registry;
    }

    /** The current status; without an agent, false, nulls and 0. */
    public Map<String, Object> snapshot() {
        TunnelServerSession session = registry.current();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("agentConnected", session != null);
        status.put("connectedSince", session != null ? session.connectedSince().toString() : null);
        status.put("remoteAddress", session != null ? session.remoteAddress() : null);
        status.put("agentVersion", session != null ? session.agentVersion() : null);
        status.put("streamsOpen", session != null ? session.streamCount() : 0);
        return status;
    }
}
