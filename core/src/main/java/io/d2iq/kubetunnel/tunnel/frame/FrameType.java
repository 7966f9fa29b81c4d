package io.d2iq.kubetunnel.tunnel.frame;

/** The frame types of protocol versions 1 and 2 (the same set); the code is the first byte of every frame. */
public enum FrameType {
    /** Session (stream 0): min and max protocol version and the sender's software version; the server answers with the chosen version. */
    HELLO(0x01, false),
    /** Server to agent: open stream {@code id} to the target {@code host:port}. */
    OPEN(0x02, true),
    /** Agent to server: the target is connected, bytes may flow. */
    OPEN_ACK(0x03, true),
    /** Agent to server: the target could not be reached; a reason code and a message. */
    OPEN_FAIL(0x04, true),
    /** Bytes of one stream, at most {@link ProtocolConstants#MAX_DATA_PAYLOAD}, counted against the window. */
    DATA(0x05, true),
    /** The sender will send no more DATA on this stream (half-close); it still receives. */
    CLOSE(0x06, true),
    /** Abort the stream in both directions, with a reason; on stream 0 it ends the session. */
    RESET(0x07, false),
    /** The receiver consumed this many more bytes of the stream: the sender may send them. */
    WINDOW_UPDATE(0x08, true),
    /** Session liveness probe carrying an opaque 64-bit value. */
    PING(0x09, false),
    /** Answer to a PING, echoing its value. */
    PONG(0x0A, false);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;
    private final boolean streamScoped;

    FrameType(int code, boolean streamScoped) {
        this.code = code;
        this.streamScoped = streamScoped;
    }

    public int code() {
        return code;
    }

    /** Whether the frame must name a stream (id != 0); HELLO, PING and PONG must use 0; RESET may use either. */
    public boolean streamScoped() {
        return streamScoped;
    }

    /** The type for a code, or null when the code is unknown. */
    public static FrameType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
