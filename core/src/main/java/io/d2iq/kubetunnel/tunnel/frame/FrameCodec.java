package io.d2iq.kubetunnel.tunnel.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Frames to and from WebSocket binary messages, one frame per message. Decoding is strict: an unknown
 * type, a wrong stream id, a short, long or oversized payload is a {@link ProtocolException}.
 */
public final class FrameCodec extends MessageToMessageCodec<BinaryWebSocketFrame, Frame> {

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        out.add(new BinaryWebSocketFrame(encode(frame, ctx.alloc())));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, BinaryWebSocketFrame message, List<Object> out) {
        out.add(decode(message.content()));
    }

    /** The wire form of a frame; a DATA frame's buffer is retained into the result, not copied. */
    public static ByteBuf encode(Frame frame, ByteBufAllocator alloc) {
        FrameType type = frame.type();
        if (type == FrameType.DATA) {
            ByteBuf header = alloc.buffer(ProtocolConstants.HEADER_SIZE);
            header.writeByte(type.code()).writeInt(frame.streamId());
            CompositeByteBuf composite = alloc.compositeBuffer(2);
            composite.addComponents(true, header, frame.content().retain());
            return composite;
        }
        ByteBuf out = alloc.buffer(ProtocolConstants.HEADER_SIZE + 16);
        out.writeByte(type.code()).writeInt(frame.streamId());
        switch (type) {
            case HELLO -> {
                out.writeByte(frame.minVersion()).writeByte(frame.maxVersion());
                writeText(out, frame.text());
            }
            case OPEN, RESET -> writeText(out, frame.text());
            case OPEN_FAIL -> {
                out.writeByte((int) frame.number());
                writeText(out, frame.text());
            }
            case WINDOW_UPDATE -> out.writeInt(frame.windowIncrement());
            case PING, PONG -> out.writeLong(frame.pingValue());
            case OPEN_ACK, CLOSE -> {
                // header only
            }
            default -> throw new IllegalStateException("unhandled type " + type);
        }
        return out;
    }

    /** Decodes one frame from the whole of {@code in}; DATA gets a retained slice of it. */
    public static Frame decode(ByteBuf in) {
        int size = in.readableBytes();
        if (size < ProtocolConstants.HEADER_SIZE) {
            throw new ProtocolException("frame of " + size + " bytes is shorter than the header");
        }
        if (size > ProtocolConstants.MAX_FRAME_SIZE) {
            throw new ProtocolException(
                    "frame of " + size + " bytes exceeds the maximum " + ProtocolConstants.MAX_FRAME_SIZE);
        }
        int code = in.readUnsignedByte();
        FrameType type = FrameType.ofCode(code);
        if (type == null) {
            throw new ProtocolException("unknown frame type 0x" + Integer.toHexString(code));
        }
        int streamId = in.readInt();
        checkStreamId(type, streamId);
        Frame frame = switch (type) {
            case HELLO -> {
                int min = readUnsignedByte(in, type);
                int max = readUnsignedByte(in, type);
                if (min > max || min == 0) {
                    throw new ProtocolException("HELLO with an invalid version range " + min + ".." + max);
                }
                yield Frame.hello(min, max, readText(in, type));
            }
            case OPEN -> Frame.open(streamId, readText(in, type));
            case OPEN_ACK -> Frame.openAck(streamId);
            case OPEN_FAIL -> {
                DialFailure failure = DialFailure.ofWireCode(readUnsignedByte(in, type));
                yield Frame.openFail(streamId, failure, readText(in, type));
            }
            case DATA -> {
                if (!in.isReadable()) {
                    throw new ProtocolException("empty DATA frame on stream " + streamId);
                }
                yield Frame.data(streamId, in.readRetainedSlice(in.readableBytes()));
            }
            case CLOSE -> Frame.close(streamId);
            case RESET -> Frame.reset(streamId, readText(in, type));
            case WINDOW_UPDATE -> {
                int increment = readInt(in, type);
                if (increment <= 0 || increment > ProtocolConstants.WINDOW) {
                    throw new ProtocolException("WINDOW_UPDATE with an invalid increment " + increment);
                }
                yield Frame.windowUpdate(streamId, increment);
            }
            case PING -> Frame.ping(readLong(in, type));
            case PONG -> Frame.pong(readLong(in, type));
        };
        if (in.isReadable()) {
            frame.release();
            throw new ProtocolException(type + " frame has " + in.readableBytes() + " trailing bytes");
        }
        return frame;
    }

    private static void checkStreamId(FrameType type, int streamId) {
        if (type.streamScoped() && streamId == 0) {
            throw new ProtocolException(type + " frame needs a stream id");
        }
        if (!type.streamScoped() && type != FrameType.RESET && streamId != 0) {
            throw new ProtocolException(type + " frame must use stream 0");
        }
        if (streamId < 0) {
            throw new ProtocolException("negative stream id " + streamId);
        }
    }

    private static void writeText(ByteBuf out, String text) {
        byte[] bytes = (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, ProtocolConstants.MAX_TEXT_BYTES);
        out.writeShort(length).writeBytes(bytes, 0, length);
    }

    private static String readText(ByteBuf in, FrameType type) {
        if (in.readableBytes() < 2) {
            throw new ProtocolException(type + " frame is truncated");
        }
        int length = in.readUnsignedShort();
        if (length > ProtocolConstants.MAX_TEXT_BYTES || length > in.readableBytes()) {
            throw new ProtocolException(type + " frame has a text field of invalid length " + length);
        }
        return in.readCharSequence(length, StandardCharsets.UTF_8).toString();
    }

    private static int readUnsignedByte(ByteBuf in, FrameType type) {
        if (!in.isReadable()) {
            throw new ProtocolException(type + " frame is truncated");
        }
        return in.readUnsignedByte();
    }

    private static int readInt(ByteBuf in, FrameType type) {
        if (in.readableBytes() < 4) {
            throw new ProtocolException(type + " frame is truncated");
        }
        return in.readInt();
    }

    private static long readLong(ByteBuf in, FrameType type) {
        if (in.readableBytes() < 8) {
            throw new ProtocolException(type + " frame is truncated");
        }
        return in.readLong();
    }
}
