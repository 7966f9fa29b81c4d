package io.d2iq.kubetunnel.tunnel.frame;

/**
 * Why a stream could not be opened. The wire code is the SOCKS5 reply code, so the proxy port passes it
 * through unchanged; HTTP CONNECT clients get the HTTP status.
 */
public enum DialFailure {
    /** Anything else. */
    GENERAL(0x01, 502),
    /** The target is not on the agent's allow-list. */
    NOT_ALLOWED(0x02, 403),
    /** The agent has no route to the target's network. */
    NETWORK_UNREACHABLE(0x03, 502),
    /** The target's name does not resolve or its host is unreachable. */
    HOST_UNREACHABLE(0x04, 502),
    /** The target refused the connection. */
    CONNECTION_REFUSED(0x05, 502),
    /** The dial did not finish in time. */
    TIMED_OUT(0x06, 504),
    /** No agent is connected (decided by the server; never on the wire). */
    NO_AGENT(0x01, 503);

    private final int socksReply;
    private final int httpStatus;

    DialFailure(int socksReply, int httpStatus) {
        this.socksReply = socksReply;
        this.httpStatus = httpStatus;
    }

    public int socksReply() {
        return socksReply;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The failure a wire code stands for. */
    public static DialFailure ofWireCode(int code) {
        for (DialFailure failure : values()) {
            if (failure != NO_AGENT && failure.socksReply == code) {
                return failure;
            }
        }
        throw new ProtocolException("unknown OPEN_FAIL reason code " + code);
    }
}
