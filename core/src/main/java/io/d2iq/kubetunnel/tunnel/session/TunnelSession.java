package io.d2iq.kubetunnel.tunnel.session;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.FrameCodec;
import io.d2iq.kubetunnel.tunnel.frame.FrameType;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket carrying many streams: the last handler of the tunnel channel, owner of the stream table
 * and of the keep-alive. All state changes happen on the tunnel channel's event loop. The server and agent
 * subclasses handle the frames only their side receives (HELLO, OPEN, OPEN_ACK, OPEN_FAIL).
 */
public abstract class TunnelSession extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelSession.class);

    /**
     * Flushes held back at most before one is forced (Netty's default); the write-buffer water marks bound
     * the unflushed bytes sooner, as written frames count against them.
     */
    private static final int FLUSHES_BEFORE_EXPLICIT_FLUSH = 256;

    private final Map<Integer, TunnelStream> streams = new ConcurrentHashMap<>();
    private final TunnelMetrics metrics;
    private final KeepAlive keepAlive;
    private Channel channel;
    private ControlReplies controlReplies;
    private ScheduledFuture<?> pingTask;
    private ScheduledFuture<?> pongDeadline;
    private long outstandingPing;
    private boolean established;
    private int streamWindow = ProtocolConstants.VERSION_1_WINDOW;
    private int lastStreamId;
    private volatile boolean closed;

    protected TunnelSession(TunnelMetrics metrics, KeepAlive keepAlive) {
        this.metrics = metrics;
        this.keepAlive = keepAlive;
    }

    /**
     * Appends the tunnel's handlers after the WebSocket codec: control messages, flush consolidation, the
     * frame codec and this session. Flushes are consolidated to one per event-loop pass (and one per read
     * of the tunnel socket): every frame is written with a flush, and a flush per frame was a syscall (and a
     * TLS record) per frame.
     */
    public final void addTo(ChannelPipeline pipeline) {
        controlReplies = new ControlReplies(pipeline.channel());
        pipeline.addLast("ws-control", new WebSocketControlHandler(controlReplies));
        pipeline.addLast("flush-consolidation", new FlushConsolidationHandler(FLUSHES_BEFORE_EXPLICIT_FLUSH, true));
        pipeline.addLast("tunnel-codec", new FrameCodec());
        pipeline.addLast("tunnel-session", this);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    public final Channel channel() {
        return channel;
    }

    protected final EventLoop eventLoop() {
        return channel.eventLoop();
    }

    public final TunnelMetrics metrics() {
        return metrics;
    }

    /** Streams currently in the table (opening or open). */
    public final int streamCount() {
        return streams.size();
    }

    /** Bytes written to the tunnel socket that the peer has not taken yet (Netty's count, with its per-write overhead). */
    public final long unsentBytes() {
        ChannelOutboundBuffer outbound = channel.unsafe().outboundBuffer();
        return outbound == null ? 0 : outbound.totalPendingWriteBytes();
    }

    public final boolean isClosed() {
        return closed;
    }

    final boolean isWritable() {
        return channel.isWritable();
    }

    /** Runs a task on the session's event loop; releases {@code owned} if the loop is gone. */
    final void execute(Runnable task, Object owned) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
            return;
        }
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            ReferenceCountUtil.release(owned);
        }
    }

    final void write(Frame frame) {
        channel.writeAndFlush(frame, channel.voidPromise());
    }

    protected final void send(Frame frame) {
        write(frame);
    }

    /** The HELLO exchange settled on {@code version}: streams get its window; start pinging. */
    protected final void established(int version) {
        established = true;
        streamWindow = ProtocolConstants.streamWindow(version);
        metrics.sessionOpened();
        long intervalMillis = keepAlive.interval().toMillis();
        pingTask = channel.eventLoop()
                .scheduleAtFixedRate(this::ping, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    final int streamWindow() {
        return streamWindow;
    }

    protected final boolean isEstablished() {
        return established;
    }

    protected final TunnelStream newStream(int id, String target) {
        TunnelStream stream = new TunnelStream(this, id, target);
        streams.put(id, stream);
        metrics.streamOpened();
        return stream;
    }

    protected final TunnelStream stream(int id) {
        return streams.get(id);
    }

    final void removeStream(TunnelStream stream, boolean reset) {
        if (streams.remove(stream.id(), stream)) {
            metrics.streamClosed(reset);
        }
    }

    /**
     * Opener side (the server): opens a stream to {@code target} for a local client socket whose AUTO_READ
     * is off; the listener learns the outcome on this session's event loop. Callable from any thread.
     */
    public final void openStream(String target, Channel client, StreamOpenListener listener) {
        execute(
                () -> {
                    if (closed || !established) {
                        listener.failed(DialFailure.NO_AGENT, "no agent connected");
                        return;
                    }
                    if (streams.size() >= ProtocolConstants.MAX_STREAMS_PER_SESSION) {
                        listener.failed(DialFailure.GENERAL, "too many open streams");
                        return;
                    }
                    int id = nextStreamId();
                    TunnelStream stream = newStream(id, target);
                    stream.awaitOpen(
                            listener,
                            channel.eventLoop()
                                    .schedule(
                                            () -> {
                                                write(Frame.reset(id, "open timed out"));
                                                metrics.dialFailed(DialFailure.TIMED_OUT);
                                                stream.failOpen(
                                                        DialFailure.TIMED_OUT,
                                                        "the agent did not answer within "
                                                                + ProtocolConstants.OPEN_TIMEOUT);
                                            },
                                            ProtocolConstants.OPEN_TIMEOUT.toMillis(),
                                            TimeUnit.MILLISECONDS));
                    write(Frame.open(id, target));
                    stream.attach(client);
                },
                null);
    }

    private int nextStreamId() {
        do {
            lastStreamId = lastStreamId == Integer.MAX_VALUE ? 1 : lastStreamId + 1;
        } while (streams.containsKey(lastStreamId));
        return lastStreamId;
    }

    /** Opener side: the agent connected stream {@code id}. */
    protected final void openAcknowledged(int id) {
        TunnelStream stream = streams.get(id);
        if (stream != null && stream.isOpening()) {
            metrics.dialSucceeded(Duration.ofNanos(System.nanoTime() - stream.openStartedNanos()));
            stream.activate();
        }
    }

    /** Opener side: the agent could not connect stream {@code id}. */
    protected final void openFailed(int id, DialFailure failure, String message) {
        TunnelStream stream = streams.get(id);
        if (stream != null && stream.isOpening()) {
            metrics.dialFailed(failure);
            stream.failOpen(failure, message);
        }
    }

    /** Dialer side (the agent): registers a stream the peer asked for, before dialing its target. */
    protected final TunnelStream acceptOpen(int id, String target) {
        if (streams.containsKey(id)) {
            throw new ProtocolException("OPEN for stream " + id + " which is already open");
        }
        if (streams.size() >= ProtocolConstants.MAX_STREAMS_PER_SESSION) {
            refuseOpen(id, DialFailure.GENERAL, "too many open streams");
            return null;
        }
        return newStream(id, target);
    }

    /** Dialer side: the peer's OPEN is refused before any stream exists (for example, not allowed). */
    protected final void refuseOpen(int id, DialFailure failure, String message) {
        metrics.dialFailed(failure);
        controlReplies.send(Frame.openFail(id, failure, message));
    }

    /** Dialer side: the target is connected on {@code target} (AUTO_READ off); runs on this session's event loop. */
    protected final void dialSucceeded(TunnelStream stream, Channel targetChannel) {
        if (stream.isClosed() || closed) {
            targetChannel.close();
            return;
        }
        metrics.dialSucceeded(Duration.ofNanos(System.nanoTime() - stream.openStartedNanos()));
        stream.attach(targetChannel);
        write(Frame.openAck(stream.id()));
        stream.activate();
    }

    /** Dialer side: the target could not be reached; runs on this session's event loop. */
    protected final void dialFailed(TunnelStream stream, DialFailure failure, String message) {
        if (stream.isClosed()) {
            return;
        }
        refuseOpen(stream.id(), failure, message);
        stream.failOpen(failure, message);
    }

    /** Ends the session with a reason the peer can log; every stream is reset. */
    public final void close(String reason) {
        execute(() -> closeWithReason(reason), null);
    }

    /** Tells the peer why, then closes; a peer too dead to take the RESET is cut off after a grace period. */
    private void closeWithReason(String reason) {
        if (!channel.isActive()) {
            return;
        }
        channel.writeAndFlush(Frame.reset(0, reason)).addListener(f -> channel.close());
        channel.eventLoop()
                .schedule(() -> channel.close(), ProtocolConstants.CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ping() {
        if (pongDeadline != null) {
            return;
        }
        outstandingPing = System.nanoTime();
        pongDeadline = channel.eventLoop()
                .schedule(this::pongMissed, keepAlive.timeout().toMillis(), TimeUnit.MILLISECONDS);
        write(Frame.ping(outstandingPing));
    }

    private void pongMissed() {
        metrics.pingMissed();
        LOG.warn(
                "tunnel session with {}: no PONG within {}, dropping it", channel.remoteAddress(), keepAlive.timeout());
        channel.close();
    }

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Frame frame)) {
            ReferenceCountUtil.release(msg);
            throw new ProtocolException("unexpected message " + msg.getClass().getSimpleName());
        }
        try {
            dispatch(frame);
        } finally {
            frame.release();
        }
    }

    private void dispatch(Frame frame) {
        FrameType type = frame.type();
        if (!established && type != FrameType.HELLO && type != FrameType.RESET) {
            throw new ProtocolException(type + " before HELLO");
        }
        switch (type) {
            case DATA -> withStream(frame, stream -> stream.onRemoteData(frame.content()));
            case CLOSE -> withStream(frame, TunnelStream::onRemoteClose);
            case WINDOW_UPDATE -> withStream(frame, stream -> stream.onWindowUpdate(frame.windowIncrement()));
            case RESET -> {
                if (frame.streamId() == 0) {
                    LOG.info("tunnel session with {} ended by peer: {}", channel.remoteAddress(), frame.text());
                    channel.close();
                } else {
                    withStream(frame, stream -> stream.onRemoteReset(frame.text()));
                }
            }
            case PING -> controlReplies.send(Frame.pong(frame.pingValue()));
            case PONG -> {
                if (pongDeadline != null && frame.pingValue() == outstandingPing) {
                    pongDeadline.cancel(false);
                    pongDeadline = null;
                }
            }
            default -> onControl(frame);
        }
    }

    /** Frames of an unknown stream are dropped: the stream may have been reset while they were in flight. */
    private void withStream(Frame frame, Consumer<TunnelStream> action) {
        TunnelStream stream = streams.get(frame.streamId());
        if (stream != null) {
            action.accept(stream);
        }
    }

    /** HELLO, OPEN, OPEN_ACK, OPEN_FAIL: what only one side receives. */
    protected abstract void onControl(Frame frame);

    /** The session ended (after every stream was reset). */
    protected void onClosed() {}

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (channel.isWritable()) {
            for (TunnelStream stream : new ArrayList<>(streams.values())) {
                stream.maybeReadLocal();
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (pingTask != null) {
            pingTask.cancel(false);
        }
        if (pongDeadline != null) {
            pongDeadline.cancel(false);
        }
        for (TunnelStream stream : new ArrayList<>(streams.values())) {
            stream.onSessionClosed();
        }
        if (established) {
            metrics.sessionClosed();
        }
        onClosed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof ProtocolException) {
            LOG.warn(
                    "tunnel session with {}: protocol error, closing the session: {}",
                    channel.remoteAddress(),
                    root.getMessage());
            closeWithReason("protocol error: " + root.getMessage());
        } else {
            LOG.info("tunnel session with {} failed: {}", channel.remoteAddress(), root.toString());
            channel.close();
        }
    }
}
