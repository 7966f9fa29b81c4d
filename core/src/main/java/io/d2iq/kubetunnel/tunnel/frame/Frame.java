package io.d2iq.kubetunnel.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.buffer.Unpooled;
import java.util.Objects;

/**
 * One decoded frame. Only DATA carries a buffer; the caller that receives a frame releases it.
 * {@code number} holds the type's numeric field (window increment, ping value, failure code, versions)
 * and {@code text} its string field (target, reason, message, software version).
 */
public final class Frame extends DefaultByteBufHolder {

    private final FrameType type;
    private final int streamId;
    private final long number;
    private final String text;

    private Frame(FrameType type, int streamId, long number, String text, ByteBuf content) {
        super(content);
        this.type = type;
        this.streamId = streamId;
        this.number = number;
        this.text = text;
    }

    static Frame of(FrameType type, int streamId, long number, String text) {
        return new Frame(type, streamId, number, text, Unpooled.EMPTY_BUFFER);
    }

    public static Frame hello(int minVersion, int maxVersion, String softwareVersion) {
        return of(FrameType.HELLO, 0, (minVersion << 8) | maxVersion, Objects.requireNonNull(softwareVersion));
    }

    public static Frame open(int streamId, String target) {
        return of(FrameType.OPEN, streamId, 0, target);
    }

    public static Frame openAck(int streamId) {
        return of(FrameType.OPEN_ACK, streamId, 0, null);
    }

    public static Frame openFail(int streamId, DialFailure failure, String message) {
        return of(FrameType.OPEN_FAIL, streamId, failure.socksReply(), message);
    }

    /** A DATA frame that takes ownership of {@code data}. */
    public static Frame data(int streamId, ByteBuf data) {
        return new Frame(FrameType.DATA, streamId, 0, null, data);
    }

    public static Frame close(int streamId) {
        return of(FrameType.CLOSE, streamId, 0, null);
    }

    public static Frame reset(int streamId, String reason) {
        return of(FrameType.RESET, streamId, 0, reason);
    }

    public static Frame windowUpdate(int streamId, int increment) {
        return of(FrameType.WINDOW_UPDATE, streamId, increment, null);
    }

    public static Frame ping(long value) {
        return of(FrameType.PING, 0, value, null);
    }

    public static Frame pong(long value) {
        return of(FrameType.PONG, 0, value, null);
    }

    public FrameType type() {
        return type;
    }

    public int streamId() {
        return streamId;
    }

    /** Target of an OPEN, reason of a RESET, message of an OPEN_FAIL, software version of a HELLO. */
    public String text() {
        return text;
    }

    public int minVersion() {
        return (int) (number >> 8) & 0xFF;
    }

    public int maxVersion() {
        return (int) number & 0xFF;
    }

    public int windowIncrement() {
        return (int) number;
    }

    public long pingValue() {
        return number;
    }

    public DialFailure failure() {
        return DialFailure.ofWireCode((int) number);
    }

    long number() {
        return number;
    }

    @Override
    public String toString() {
        return type + "(stream=" + streamId
                + (type == FrameType.DATA ? ", bytes=" + content().readableBytes() : "")
                + (text != null ? ", text=" + text : "") + ")";
    }
}
