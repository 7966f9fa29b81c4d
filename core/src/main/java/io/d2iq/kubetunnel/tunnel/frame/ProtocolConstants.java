package io.d2iq.kubetunnel.tunnel.frame;

import java.time.Duration;

/** Every limit and timeout of the tunnel protocol, in one place (see docs/protocol.md). */
public final class ProtocolConstants {

    /** Lowest protocol version this build speaks. */
    public static final int MIN_VERSION = 1;
    /** Highest protocol version this build speaks; version 2 differs from 1 only in {@link #streamWindow}. */
    public static final int MAX_VERSION = 2;

    /** Bytes of the fixed header: type (1) and stream id (4). */
    public static final int HEADER_SIZE = 5;
    /** Largest DATA payload. */
    public static final int MAX_DATA_PAYLOAD = 32 * 1024;
    /**
     * Largest read from a local socket (cut into DATA frames of at most {@link #MAX_DATA_PAYLOAD}); a stream
     * reads only with this much credit. Bigger reads mean fewer read rounds (read, frame, re-arm) per byte.
     */
    public static final int LOCAL_READ_SIZE = 128 * 1024;
    /** Largest frame on the wire (one WebSocket binary message carries exactly one frame). */
    public static final int MAX_FRAME_SIZE = HEADER_SIZE + MAX_DATA_PAYLOAD;
    /** Longest UTF-8 text field (target, reason, software version). */
    public static final int MAX_TEXT_BYTES = 1024;

    /** Bytes a sender may have in flight on one stream before the receiver credits them back, in version 1. */
    public static final int VERSION_1_WINDOW = 256 * 1024;
    /**
     * The same from version 2 on, and the largest window of any version. With 256 KiB one stream over TLS
     * waited on credit half the time (docs/benchmarks.md: 1 MiB doubled it); it still bounds what a reader
     * that stops reading makes the other side buffer for its stream.
     */
    public static final int WINDOW = 1024 * 1024;

    /** Streams one session may hold at once; an OPEN beyond it is refused. */
    public static final int MAX_STREAMS_PER_SESSION = 65_536;

    /** How often each side pings the other. */
    public static final Duration PING_INTERVAL = Duration.ofSeconds(10);
    /** A ping unanswered this long drops the session (under common 60 s proxy idle limits). */
    public static final Duration PING_TIMEOUT = Duration.ofSeconds(20);
    /** The agent must say HELLO this soon after the WebSocket handshake. */
    public static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
    /** The agent gives up dialing a target after this long. */
    public static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);
    /** The server gives up waiting for OPEN_ACK/OPEN_FAIL after this long (dial timeout plus transit). */
    public static final Duration OPEN_TIMEOUT = DIAL_TIMEOUT.plusSeconds(5);
    /** A session being closed gets this long to take its final RESET before the socket is cut. */
    public static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
    /** Largest HTTP request (headers) accepted for the WebSocket upgrade. */
    public static final int MAX_UPGRADE_REQUEST_BYTES = 16 * 1024;

    /**
     * Control replies (PONG, WebSocket pong, OPEN_FAIL) written but not yet taken by the tunnel socket above
     * which the session stops reading from its peer (the session's {@code ControlReplies}); an honest peer has a handful.
     */
    public static final int MAX_UNSENT_CONTROL_REPLIES = 256;

    /** Outbound bytes queued on the tunnel socket above which streams stop reading their local sockets. */
    public static final int TUNNEL_WRITE_HIGH_WATER_MARK = 1024 * 1024;
    /** Queued bytes below which streams resume reading. */
    public static final int TUNNEL_WRITE_LOW_WATER_MARK = 512 * 1024;

    /** The per-stream, per-direction window of a session that negotiated {@code version}. */
    public static int streamWindow(int version) {
        return version >= 2 ? WINDOW : VERSION_1_WINDOW;
    }

    /** The receiver credits back consumed bytes once a quarter of the window has accumulated. */
    public static int windowUpdateThreshold(int window) {
        return window / 4;
    }

    private ProtocolConstants() {}
}
