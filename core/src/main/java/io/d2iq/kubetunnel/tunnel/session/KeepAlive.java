package io.d2iq.kubetunnel.tunnel.session;

import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import java.time.Duration;

/** Ping cadence of a session; tests shorten it, production uses {@link #DEFAULT}. */
public record KeepAlive(Duration interval, Duration timeout) {

    public static final KeepAlive DEFAULT =
            new KeepAlive(ProtocolConstants.PING_INTERVAL, ProtocolConstants.PING_TIMEOUT);
}
