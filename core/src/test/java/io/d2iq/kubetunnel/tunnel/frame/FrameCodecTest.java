package io.d2iq.kubetunnel.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static Frame roundTrip(Frame frame) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec());
        assertThat(channel.writeOutbound(frame)).isTrue();
        BinaryWebSocketFrame wire = channel.readOutbound();
        assertThat(channel.writeInbound(wire)).isTrue();
        Frame decoded = channel.readInbound();
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return decoded;
    }

    @Test
    void everyFrameTypeSurvivesEncodeAndDecode() {
        Frame hello = roundTrip(Frame.hello(1, 3, "0.1.0"));
        assertThat(hello.type()).isEqualTo(FrameType.HELLO);
        assertThat(hello.minVersion()).isEqualTo(1);
        assertThat(hello.maxVersion()).isEqualTo(3);
        assertThat(hello.text()).isEqualTo("0.1.0");

        Frame open = roundTrip(Frame.open(7, "[::1]:6443"));
        assertThat(open.streamId()).isEqualTo(7);
        assertThat(open.text()).isEqualTo("[::1]:6443");

        assertThat(roundTrip(Frame.openAck(8)).type()).isEqualTo(FrameType.OPEN_ACK);
        Frame fail = roundTrip(Frame.openFail(9, DialFailure.CONNECTION_REFUSED, "refused"));
        assertThat(fail.failure()).isEqualTo(DialFailure.CONNECTION_REFUSED);
        assertThat(fail.text()).isEqualTo("refused");

        Frame data = roundTrip(Frame.data(10, Unpooled.copiedBuffer("héllo", StandardCharsets.UTF_8)));
        assertThat(data.content().toString(StandardCharsets.UTF_8)).isEqualTo("héllo");
        data.release();

        assertThat(roundTrip(Frame.close(11)).type()).isEqualTo(FrameType.CLOSE);
        assertThat(roundTrip(Frame.reset(12, "gone")).text()).isEqualTo("gone");
        assertThat(roundTrip(Frame.reset(0, "session over")).streamId()).isZero();
        assertThat(roundTrip(Frame.windowUpdate(13, 65_536)).windowIncrement()).isEqualTo(65_536);
        assertThat(roundTrip(Frame.ping(Long.MIN_VALUE)).pingValue()).isEqualTo(Long.MIN_VALUE);
        assertThat(roundTrip(Frame.pong(42)).pingValue()).isEqualTo(42);
    }

    @Test
    void dataIsSentWithoutCopyingItsBuffer() {
        ByteBuf payload = Unpooled.directBuffer().writeBytes(new byte[100]);
        ByteBuf wire = FrameCodec.encode(Frame.data(1, payload), io.netty.buffer.ByteBufAllocator.DEFAULT);
        assertThat(payload.refCnt()).isEqualTo(2);
        assertThat(wire.readableBytes()).isEqualTo(ProtocolConstants.HEADER_SIZE + 100);
        wire.release();
        payload.release();
        assertThat(payload.refCnt()).isZero();
    }

    @Test
    void malformedFramesAreProtocolErrors() {
        List<byte[]> malformed = List.of(
                new byte[] {1, 0, 0}, // shorter than the header
                new byte[] {0x7F, 0, 0, 0, 1}, // unknown type
                new byte[] {5, 0, 0, 0, 0, 1}, // DATA on stream 0
                new byte[] {9, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, // PING on a stream
                new byte[] {5, 0, 0, 0, 1}, // empty DATA
                new byte[] {6, 0, 0, 0, 1, 9}, // CLOSE with trailing bytes
                new byte[] {8, 0, 0, 0, 1, 0, 0, 0, 0}, // zero window increment
                new byte[] {8, 0, 0, 0, 1, 0x7F, 0, 0, 0}, // increment beyond the window
                new byte[] {2, 0, 0, 0, 1, 0, 9, 'a'}, // text longer than the frame
                new byte[] {4, 0, 0, 0, 1, 0x33, 0, 0}, // unknown failure code
                new byte[] {1, 0, 0, 0, 0, 2, 1, 0, 0}, // HELLO min > max
                new byte[] {2, (byte) 0x80, 0, 0, 1, 0, 0}); // negative stream id
        for (byte[] bytes : malformed) {
            ByteBuf buf = Unpooled.wrappedBuffer(bytes);
            assertThatThrownBy(() -> FrameCodec.decode(buf)).isInstanceOf(ProtocolException.class);
        }
        ByteBuf oversized =
                Unpooled.buffer().writeByte(5).writeInt(1).writeZero(ProtocolConstants.MAX_DATA_PAYLOAD + 1);
        assertThatThrownBy(() -> FrameCodec.decode(oversized)).hasMessageContaining("exceeds the maximum");
    }

    @Test
    void aMalformedMessageSurfacesAsADecoderErrorInThePipeline() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameCodec());
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {0x7F, 0, 0, 0, 1});
        assertThatThrownBy(() -> channel.writeInbound(new BinaryWebSocketFrame(garbage)))
                .isInstanceOf(DecoderException.class)
                .hasCauseInstanceOf(ProtocolException.class);
        assertThat(garbage.refCnt()).isZero();
        channel.finishAndReleaseAll();
    }
}
