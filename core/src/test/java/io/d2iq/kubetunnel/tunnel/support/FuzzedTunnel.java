package io.d2iq.kubetunnel.tunnel.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.FrameCodec;
import io.d2iq.kubetunnel.tunnel.frame.FrameType;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.session.TunnelSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The peer of one session under fuzz: it feeds the session frames through its real pipeline on an
 * {@link EmbeddedChannel}, reads what the session sends (noting the stream ids it opens), and tracks every
 * buffer the fuzz allocates so that the test can check each was released.
 */
public final class FuzzedTunnel {

    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final TunnelSession session;
    private final List<ByteBuf> allocated = new ArrayList<>();
    private final Set<Integer> streamIds = new LinkedHashSet<>();
    private final Consumer<Frame> onSent;

    /** @param onSent sees every frame the session sends (before it is released) */
    public FuzzedTunnel(TunnelSession session, Consumer<Frame> onSent) {
        this.session = session;
        this.onSent = onSent;
        session.addTo(channel.pipeline());
        channel.freezeTime();
    }

    public EmbeddedChannel channel() {
        return channel;
    }

    public TunnelSession session() {
        return session;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Stream ids seen in this case (opened by either side), for frames that should hit a real stream. */
    public Set<Integer> streamIds() {
        return streamIds;
    }

    /** A tracked buffer of {@code 1..max} random bytes. */
    public ByteBuf buffer(Random random, int max) {
        byte[] bytes = new byte[1 + random.nextInt(max)];
        random.nextBytes(bytes);
        ByteBuf buffer = ALLOC.buffer(bytes.length).writeBytes(bytes);
        allocated.add(buffer);
        return buffer;
    }

    /** Delivers {@code frame} to the session as one WebSocket message. */
    public void send(Frame frame) {
        if (!channel.isOpen()) {
            frame.release();
            return;
        }
        if (frame.streamId() != 0) {
            streamIds.add(frame.streamId());
        }
        ByteBuf wire = FrameCodec.encode(frame, ALLOC);
        frame.release();
        allocated.add(wire);
        channel.writeInbound(new BinaryWebSocketFrame(wire));
        channel.checkException();
        drain();
    }

    /** Lets {@code millis} pass on the session's clock (open timeouts, pings, the HELLO deadline). */
    public void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        drain();
    }

    /** Runs the session's queued work and reads (then releases) what it sent. */
    public void drain() {
        channel.runPendingTasks();
        Object message;
        while ((message = channel.readOutbound()) != null) {
            try {
                if (message instanceof BinaryWebSocketFrame binary) {
                    Frame frame = FrameCodec.decode(binary.content());
                    if (frame.type() == FrameType.OPEN) {
                        streamIds.add(frame.streamId());
                    }
                    onSent.accept(frame);
                    frame.release();
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
    }

    /** A stream id for the next frame: mostly one this case has seen, sometimes any small id. */
    public int streamId(Random random) {
        if (!streamIds.isEmpty() && random.nextInt(10) < 8) {
            return streamIds.stream()
                    .skip(random.nextInt(streamIds.size()))
                    .findFirst()
                    .orElseThrow();
        }
        return 1 + random.nextInt(32);
    }

    /** A frame about stream {@code id} that either side may send: DATA, CLOSE, RESET, WINDOW_UPDATE. */
    public Frame streamFrame(Random random, int id) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 ->
                Frame.data(id, buffer(random, random.nextInt(20) == 0 ? ProtocolConstants.MAX_DATA_PAYLOAD : 512));
            case 4, 5 -> Frame.close(id);
            case 6, 7 ->
                Frame.windowUpdate(id, 1 + random.nextInt(random.nextBoolean() ? 64 * 1024 : ProtocolConstants.WINDOW));
            default -> Frame.reset(id, "fuzzed reset");
        };
    }

    /** A whole window and more of DATA on {@code id}: the session must reset that stream, not buffer it. */
    public void overrunWindow(Random random, int id) {
        for (int sent = 0;
                sent <= ProtocolConstants.WINDOW && channel.isOpen();
                sent += ProtocolConstants.MAX_DATA_PAYLOAD) {
            send(Frame.data(id, buffer(random, ProtocolConstants.MAX_DATA_PAYLOAD)));
        }
    }

    /** A session-level frame: PING, PONG, rarely RESET 0. */
    public Frame sessionFrame(Random random) {
        int kind = random.nextInt(10);
        return kind < 5
                ? Frame.ping(random.nextLong())
                : kind < 9 ? Frame.pong(random.nextLong()) : Frame.reset(0, "fuzzed end");
    }

    /** A random OPEN_FAIL reason. */
    public static DialFailure failure(Random random) {
        DialFailure[] failures = {
            DialFailure.GENERAL, DialFailure.NOT_ALLOWED, DialFailure.CONNECTION_REFUSED, DialFailure.TIMED_OUT
        };
        return failures[random.nextInt(failures.length)];
    }

    /** Closes the session's channel, as a dropped connection does. */
    public void close() {
        channel.close();
        drain();
    }

    /** After {@link #close()} and the sockets' {@code finish()}: every buffer of this case was released. */
    public void assertReleased() {
        channel.finishAndReleaseAll();
        for (ByteBuf buffer : allocated) {
            assertThat(buffer.refCnt())
                    .as("refCnt of a buffer the fuzz allocated")
                    .isZero();
        }
        allocated.clear();
    }
}
