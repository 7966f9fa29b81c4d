package io.d2iq.kubetunnel.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The encoder's bytes are read back by Netty's server-side decoder, which rejects unmasked frames. */
class InPlaceMaskingEncoderTest {

    private static final PooledByteBufAllocator POOLED = PooledByteBufAllocator.DEFAULT;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 7, 8, 9, 125, 126, 127, 1000, 32 * 1024 + 5, 65_535, 65_536, 200_000})
    void aContiguousPayloadArrivesIntact(int length) {
        byte[] payload = randomBytes(length, length);
        ByteBuf buffer = POOLED.directBuffer(length).writeBytes(payload);

        assertThat(roundTrip(buffer)).isEqualTo(payload);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 6, 7, 13})
    void aCompositeWhosePartsEndOffTheKeyArrivesIntact(int headLength) {
        byte[] head = randomBytes(headLength, 1);
        byte[] tail = randomBytes(32 * 1024 + 3, 2);
        CompositeByteBuf composite = POOLED.compositeBuffer(2);
        composite.addComponents(
                true,
                POOLED.directBuffer().writeBytes(head),
                POOLED.heapBuffer().writeBytes(tail));

        byte[] expected = new byte[head.length + tail.length];
        System.arraycopy(head, 0, expected, 0, head.length);
        System.arraycopy(tail, 0, expected, head.length, tail.length);
        assertThat(roundTrip(composite)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 9, 4096})
    void aReadOnlyPayloadIsCopiedNotWrittenTo(int length) {
        byte[] payload = randomBytes(length, 3);
        ByteBuf readOnly = Unpooled.wrappedBuffer(payload.clone()).asReadOnly();

        assertThat(roundTrip(readOnly)).isEqualTo(payload);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 100, 70_000})
    void theFrameIsMaskedOnTheWire(int length) {
        byte[] payload = randomBytes(length, 4);
        EmbeddedChannel client = new EmbeddedChannel(new InPlaceMaskingEncoder());
        client.writeOutbound(new BinaryWebSocketFrame(
                POOLED.directBuffer(Math.max(length, 1)).writeBytes(payload)));
        ByteBuf header = client.readOutbound();

        assertThat(header.getByte(0) & 0xFF).as("FIN and binary opcode").isEqualTo(0x82);
        assertThat(header.getByte(1) & 0x80).as("mask bit").isEqualTo(0x80);
        int expectedHeaderSize = 2 + (length <= 125 ? 0 : length <= 65_535 ? 2 : 8) + 4;
        assertThat(header.readableBytes()).isEqualTo(expectedHeaderSize);
        header.release();
        client.finishAndReleaseAll();
    }

    private static byte[] roundTrip(ByteBuf payload) {
        EmbeddedChannel client = new EmbeddedChannel(new InPlaceMaskingEncoder());
        EmbeddedChannel server = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                .expectMaskedFrames(true)
                .maxFramePayloadLength(1 << 20)
                .build()));
        assertThat(client.writeOutbound(new BinaryWebSocketFrame(payload))).isTrue();
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            server.writeInbound(bytes);
        }
        BinaryWebSocketFrame received = server.readInbound();
        assertThat(received).as("a frame the server accepts").isNotNull();
        byte[] result = ByteBufUtil.getBytes(received.content());
        received.release();
        assertThat(client.finishAndReleaseAll()).isFalse();
        assertThat(server.finishAndReleaseAll()).isFalse();
        return result;
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
