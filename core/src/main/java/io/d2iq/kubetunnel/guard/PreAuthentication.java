package io.d2iq.kubetunnel.guard;

import io.netty.channel.ChannelPipeline;

/**
 * The state of a connection on the tunnel or webhook port until it has shown the connector's token: it
 * counts against {@link ConnectionLimits#maxUnauthenticatedConnections()} and is closed at the
 * {@link ConnectionLimits#handshakeDeadline()}. Requests that need no token (health, status) never leave it:
 * they are answered within the deadline, one per connection.
 */
public final class PreAuthentication {

    private static final String LIMIT = "pre-authentication-limit";
    private static final String DEADLINE = "pre-authentication-deadline";

    private PreAuthentication() {}

    /** Puts the connection under the port's {@code limit} and the deadline; call first, before TLS. */
    public static void install(ChannelPipeline pipeline, ConnectionLimit limit, ConnectionLimits limits) {
        pipeline.addFirst(DEADLINE, new HandshakeDeadline(limits.handshakeDeadline()));
        pipeline.addFirst(LIMIT, limit);
    }

    /** The connection has authenticated: it no longer counts, and no deadline applies. */
    public static void passed(ChannelPipeline pipeline) {
        for (String name : new String[] {LIMIT, DEADLINE}) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
    }
}
