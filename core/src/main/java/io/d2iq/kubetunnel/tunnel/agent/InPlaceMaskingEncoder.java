package io.d2iq.kubetunnel.tunnel.agent;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes the agent's binary WebSocket messages with their payload masked where it lies. RFC 6455 makes a
 * client mask every frame. Netty's encoder copies the payload into a new buffer through the buffer
 * abstraction, 8 bytes per call; on a tunnel frame (a header and a data buffer in a composite) that was
 * more than half the agent's CPU while a response streamed from the remote cluster. Tunnel payloads are
 * the tunnel's own buffers (read from a local socket, shared with nobody), so they are masked in place and
 * written after a small header. Ping, pong and close frames pass on to Netty's encoder.
 */
final class InPlaceMaskingEncoder extends MessageToMessageEncoder<BinaryWebSocketFrame> {

    private static final int FIN = 0x80;
    private static final int OPCODE_BINARY = 0x2;
    private static final int MASKED = 0x80;
    private static final int MAX_ONE_BYTE_LENGTH = 125;
    private static final int TWO_BYTE_LENGTH = 126;
    private static final int EIGHT_BYTE_LENGTH = 127;
    /** The largest header: two bytes, an eight-byte length and the four-byte masking key. */
    private static final int MAX_HEADER_SIZE = 14;

    @Override
    protected void encode(ChannelHandlerContext ctx, BinaryWebSocketFrame frame, List<Object> out) {
        ByteBuf payload = frame.content();
        if (payload.isReadOnly()) {
            payload = ctx.alloc()
                    .buffer(payload.readableBytes())
                    .writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        } else {
            payload.retain();
        }
        int length = payload.readableBytes();
        int maskingKey = ThreadLocalRandom.current().nextInt();
        ByteBuf header = ctx.alloc().buffer(MAX_HEADER_SIZE);
        header.writeByte(FIN | frame.rsv() << 4 | OPCODE_BINARY);
        if (length <= MAX_ONE_BYTE_LENGTH) {
            header.writeByte(MASKED | length);
        } else if (length <= 0xFFFF) {
            header.writeByte(MASKED | TWO_BYTE_LENGTH).writeShort(length);
        } else {
            header.writeByte(MASKED | EIGHT_BYTE_LENGTH).writeLong(length);
        }
        header.writeInt(maskingKey);
        mask(payload, maskingKey);
        out.add(header);
        out.add(payload);
    }

    /** XORs the readable bytes with the key, byte {@code i} with key byte {@code i % 4} (network order). */
    static void mask(ByteBuf payload, int maskingKey) {
        long offset = 0;
        for (ByteBuffer part : payload.nioBuffers()) {
            int key = Integer.rotateLeft(maskingKey, (int) (offset % 4) * Byte.SIZE);
            offset += part.remaining();
            maskPart(part.order(ByteOrder.BIG_ENDIAN), key);
        }
    }

    private static void maskPart(ByteBuffer part, int key) {
        long longKey = (long) key << 32 | key & 0xFFFFFFFFL;
        int start = part.position();
        int end = part.limit();
        int i = start;
        for (; i + Long.BYTES <= end; i += Long.BYTES) {
            part.putLong(i, part.getLong(i) ^ longKey);
        }
        for (; i < end; i++) {
            int keyByte = key >>> (Byte.SIZE * (3 - (i - start) % 4));
            part.put(i, (byte) (part.get(i) ^ keyByte));
        }
    }
}
