package io.d2iq.kubetunnel.tunnel.frame;

/** The peer broke the protocol; the session that received it is closed, nothing else. */
public final class ProtocolException extends RuntimeException {

    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
