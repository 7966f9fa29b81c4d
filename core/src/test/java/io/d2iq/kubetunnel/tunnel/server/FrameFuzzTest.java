package io.d2iq.kubetunnel.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.FrameCodec;
import io.d2iq.kubetunnel.tunnel.frame.FrameType;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import io.d2iq.kubetunnel.tunnel.session.TunnelMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random input (100,000 messages) into a server session: every malformed or out-of-place message
 * closes that session and nothing else, no exception escapes the pipeline, and every buffer is released.
 * Sequences that open and drive streams, under Netty's leak detector at PARANOID: {@link ServerStreamFuzzTest}.
 */
class FrameFuzzTest {

    static final long SEED = 20_261_124L;
    static final int CASES = 100_000;

    private final SessionRegistry registry = new SessionRegistry();
    private final TunnelMetrics metrics = new TunnelMetrics(new SimpleMeterRegistry(), "server");

    private EmbeddedChannel newSession(boolean helloFirst) {
        EmbeddedChannel channel = new EmbeddedChannel();
        new TunnelServerSession(registry, metrics, KeepAlive.DEFAULT, "fuzz").addTo(channel.pipeline());
        if (helloFirst) {
            channel.writeInbound(wire(Frame.hello(1, 1, "fuzz")));
            channel.outboundMessages().forEach(io.netty.util.ReferenceCountUtil::release);
            channel.outboundMessages().clear();
        }
        return channel;
    }

    @Test
    void randomAndMalformedMessagesCloseOnlyTheirSessionAndLeakNothing() {
        Random random = new Random(SEED);
        EmbeddedChannel session = newSession(random.nextBoolean());
        int sessionsClosed = 0;
        List<ByteBuf> inputs = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            WebSocketFrame message = randomMessage(random);
            if (message.content() != Unpooled.EMPTY_BUFFER) {
                inputs.add(message.content());
            }
            session.writeInbound(message);
            session.checkException();
            assertThat(session.inboundMessages()).isEmpty();
            if (!session.isOpen()) {
                sessionsClosed++;
                session.finishAndReleaseAll();
                session = newSession(random.nextBoolean());
            }
            if (inputs.size() > 1_000) {
                assertReleased(inputs);
            }
        }
        session.finishAndReleaseAll();
        assertReleased(inputs);
        assertThat(sessionsClosed).isGreaterThan(CASES / 10);
        assertThat(registry.current()).isNull();
        assertThat(metrics.activeStreams()).isZero();
    }

    @Test
    void aWellFormedSessionSurvivesValidControlTraffic() {
        EmbeddedChannel session = newSession(true);
        session.writeInbound(wire(Frame.ping(7)));
        session.writeInbound(wire(Frame.windowUpdate(99, 10)));
        session.writeInbound(wire(Frame.reset(99, "unknown stream is ignored")));
        assertThat(session.isOpen()).isTrue();
        assertThat(registry.current()).isNotNull();
        session.finishAndReleaseAll();
        assertThat(registry.current()).isNull();
    }

    private static void assertReleased(List<ByteBuf> inputs) {
        for (ByteBuf input : inputs) {
            assertThat(input.refCnt()).isZero();
        }
        inputs.clear();
    }

    private static BinaryWebSocketFrame wire(Frame frame) {
        ByteBuf encoded = FrameCodec.encode(frame, UnpooledByteBufAllocator.DEFAULT);
        frame.release();
        return new BinaryWebSocketFrame(encoded);
    }

    /** A third raw random bytes, a third valid frames with random fields, a third mutated valid frames, some text messages. */
    private static WebSocketFrame randomMessage(Random random) {
        int kind = random.nextInt(100);
        if (kind < 2) {
            return new TextWebSocketFrame("text is not allowed");
        }
        if (kind < 35) {
            byte[] bytes = new byte[random.nextInt(64)];
            random.nextBytes(bytes);
            return new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes));
        }
        BinaryWebSocketFrame valid = wire(randomFrame(random));
        if (kind < 68) {
            return valid;
        }
        ByteBuf content = valid.content();
        int flips = 1 + random.nextInt(3);
        for (int f = 0; f < flips && content.isReadable(); f++) {
            int at = random.nextInt(content.readableBytes());
            content.setByte(at, content.getByte(at) ^ (1 << random.nextInt(8)));
        }
        if (random.nextBoolean() && content.readableBytes() > 1) {
            content.writerIndex(random.nextInt(content.readableBytes()));
        }
        return valid;
    }

    private static Frame randomFrame(Random random) {
        FrameType[] types = FrameType.values();
        FrameType type = types[random.nextInt(types.length)];
        int stream = 1 + random.nextInt(8);
        return switch (type) {
            case HELLO -> Frame.hello(1 + random.nextInt(2), 1 + random.nextInt(3), "v" + random.nextInt(9));
            case OPEN -> Frame.open(stream, "127.0.0.1:" + (1 + random.nextInt(65_535)));
            case OPEN_ACK -> Frame.openAck(stream);
            case OPEN_FAIL -> Frame.openFail(stream, DialFailure.values()[random.nextInt(6)], "no");
            case DATA -> {
                byte[] data = new byte[1 + random.nextInt(ProtocolConstants.MAX_DATA_PAYLOAD / 64)];
                random.nextBytes(data);
                yield Frame.data(stream, Unpooled.wrappedBuffer(data));
            }
            case CLOSE -> Frame.close(stream);
            case RESET -> Frame.reset(random.nextBoolean() ? 0 : stream, "r");
            case WINDOW_UPDATE -> Frame.windowUpdate(stream, 1 + random.nextInt(ProtocolConstants.WINDOW));
            case PING -> Frame.ping(random.nextLong());
            case PONG -> Frame.pong(random.nextLong());
        };
    }
}
