package io.d2iq.kubetunnel.guard;

import java.time.Duration;

/**
 * What a client may hold on our ports before it has authenticated or finished its handshake (see
 * docs/operations.md, "Bounds under abuse"); production uses {@link #DEFAULT}, tests shorten them.
 *
 * @param handshakeDeadline how soon after accept a connection must have authenticated (tunnel and webhook
 *     ports) or sent its SOCKS5/CONNECT request (proxy port); absolute, not reset by the bytes that trickle in
 * @param maxUnauthenticatedConnections connections of one port not yet authenticated; more are closed at once
 * @param maxStreamsPerClientAddress proxy connections (each at most one stream) from one client address
 */
public record ConnectionLimits(
        Duration handshakeDeadline, int maxUnauthenticatedConnections, int maxStreamsPerClientAddress) {

    /** Ample for a TLS handshake and one request head over a slow link; a slowloris client gets no more. */
    public static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(10);
    /** An agent, a register Job and the controller's polls need a handful; this many idle sockets cost little. */
    public static final int MAX_UNAUTHENTICATED_CONNECTIONS = 256;
    /**
     * A sixteenth of a session's stream ids ({@code MAX_STREAMS_PER_SESSION}), so one client cannot take them
     * all, and far more than a controller or kubectl (a stream per watch or exec) opens.
     */
    public static final int MAX_STREAMS_PER_CLIENT_ADDRESS = 4096;

    public static final ConnectionLimits DEFAULT =
            new ConnectionLimits(HANDSHAKE_DEADLINE, MAX_UNAUTHENTICATED_CONNECTIONS, MAX_STREAMS_PER_CLIENT_ADDRESS);
}
