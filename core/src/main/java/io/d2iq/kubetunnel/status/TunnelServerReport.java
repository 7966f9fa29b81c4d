package io.d2iq.kubetunnel.status;

/**
 * What a tunnel-server's {@code GET /status} says: whether an agent holds the tunnel, since when (ISO-8601),
 * from where, which version, and how many streams are open.
 */
public record TunnelServerReport(
        boolean agentConnected, String connectedSince, String remoteAddress, String agentVersion, int streamsOpen) {

    /** No agent connected. */
    public static final TunnelServerReport NO_AGENT = new TunnelServerReport(false, null, null, null, 0);
}
