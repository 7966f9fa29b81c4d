package io.d2iq.kubetunnel.tunnel.session;

import static io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants.LOCAL_READ_SIZE;
import static io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants.MAX_DATA_PAYLOAD;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multiplexed stream: the bridge between a local socket and the tunnel. Every method runs on the
 * session's event loop. Flow control: the local socket is read only while the peer has granted at least
 * one full local read of credit and the tunnel socket is writable, so a slow reader stalls only its own stream
 * and at most its window ({@link ProtocolConstants#streamWindow}) is buffered for it.
 */
public final class TunnelStream {

    private static final Logger LOG = LoggerFactory.getLogger(TunnelStream.class);

    private enum State {
        OPENING,
        OPEN,
        CLOSED
    }

    private final TunnelSession session;
    private final int id;
    private final String target;
    private final long openStartedNanos = System.nanoTime();
    private Channel local;
    private State state = State.OPENING;
    private StreamOpenListener listener;
    private ScheduledFuture<?> openTimeout;
    private final ArrayDeque<ByteBuf> earlyData = new ArrayDeque<>(1);

    private final int window;
    private final int windowUpdateThreshold;
    private int sendCredit;
    private int receivedUncredited;
    private int consumedUncredited;
    private int pendingLocalWrites;
    private boolean readPending;
    private boolean localEof;
    private boolean sentClose;
    private boolean receivedClose;

    TunnelStream(TunnelSession session, int id, String target) {
        this.session = session;
        this.id = id;
        this.target = target;
        this.window = session.streamWindow();
        this.windowUpdateThreshold = ProtocolConstants.windowUpdateThreshold(window);
        this.sendCredit = window;
    }

    public int id() {
        return id;
    }

    public String target() {
        return target;
    }

    TunnelSession session() {
        return session;
    }

    long openStartedNanos() {
        return openStartedNanos;
    }

    boolean isClosed() {
        return state == State.CLOSED;
    }

    boolean isOpening() {
        return state == State.OPENING;
    }

    void awaitOpen(StreamOpenListener listener, ScheduledFuture<?> openTimeout) {
        this.listener = listener;
        this.openTimeout = openTimeout;
    }

    /** Binds the local socket; it must have AUTO_READ off and allow half-closure. */
    void attach(Channel channel) {
        this.local = channel;
        channel.pipeline().addLast("tunnel-stream", new StreamRelayHandler(this));
        if (!channel.isActive()) {
            session.execute(this::onLocalInactive, null);
        }
    }

    /** The target is connected: answer the opener, send what arrived early, start relaying. */
    void activate() {
        if (state != State.OPENING) {
            return;
        }
        state = State.OPEN;
        if (openTimeout != null) {
            openTimeout.cancel(false);
        }
        if (listener != null) {
            listener.opened();
            listener = null;
        }
        while (!earlyData.isEmpty()) {
            sendData(earlyData.poll());
        }
        if (localEof) {
            sendClose();
        }
        maybeReadLocal();
    }

    void maybeReadLocal() {
        if (state == State.OPEN && !localEof && !readPending && sendCredit >= LOCAL_READ_SIZE && session.isWritable()) {
            readPending = true;
            local.read();
        }
    }

    void onLocalData(ByteBuf buf) {
        if (state == State.CLOSED || localEof) {
            buf.release();
        } else if (state == State.OPENING) {
            earlyData.add(buf);
        } else {
            sendData(buf);
        }
    }

    private void sendData(ByteBuf buf) {
        while (buf.readableBytes() > MAX_DATA_PAYLOAD) {
            sendChunk(buf.readRetainedSlice(MAX_DATA_PAYLOAD));
        }
        if (buf.isReadable()) {
            sendChunk(buf);
        } else {
            buf.release();
        }
    }

    private void sendChunk(ByteBuf chunk) {
        int bytes = chunk.readableBytes();
        sendCredit -= bytes;
        session.metrics().bytesSent(bytes);
        session.write(Frame.data(id, chunk));
    }

    void onLocalReadComplete() {
        readPending = false;
        maybeReadLocal();
    }

    void onLocalEof() {
        if (state == State.CLOSED || localEof) {
            return;
        }
        localEof = true;
        if (state == State.OPEN) {
            sendClose();
        }
    }

    private void sendClose() {
        sentClose = true;
        session.write(Frame.close(id));
        maybeFinish();
    }

    void onLocalInactive() {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.OPEN && receivedClose) {
            if (!sentClose) {
                session.write(Frame.close(id));
            }
            finish(false, false);
        } else {
            reset("local connection closed");
        }
    }

    void onLocalError(Throwable cause) {
        LOG.debug("stream {} to {}: local socket failed: {}", id, target, cause.toString());
        reset("local connection failed: " + cause.getMessage());
    }

    void onRemoteData(ByteBuf data) {
        int bytes = data.readableBytes();
        if (state != State.OPEN || receivedClose) {
            reset("DATA on a stream that is not open for receiving");
            return;
        }
        if ((long) receivedUncredited + bytes > window) {
            reset("peer exceeded the flow-control window");
            return;
        }
        receivedUncredited += bytes;
        pendingLocalWrites++;
        session.metrics().bytesReceived(bytes);
        local.writeAndFlush(data.retain())
                .addListener(f -> session.execute(() -> onLocalWritten(bytes, f.isSuccess()), null));
    }

    private void onLocalWritten(int bytes, boolean success) {
        pendingLocalWrites--;
        if (state == State.CLOSED) {
            return;
        }
        if (!success) {
            reset("write to local connection failed");
            return;
        }
        consumedUncredited += bytes;
        if (consumedUncredited >= windowUpdateThreshold && !receivedClose) {
            session.write(Frame.windowUpdate(id, consumedUncredited));
            receivedUncredited -= consumedUncredited;
            consumedUncredited = 0;
        }
        if (receivedClose && pendingLocalWrites == 0) {
            shutdownLocalOutput();
        }
    }

    void onRemoteClose() {
        if (state != State.OPEN || receivedClose) {
            reset("CLOSE on a stream that is not open for receiving");
            return;
        }
        receivedClose = true;
        if (pendingLocalWrites == 0) {
            shutdownLocalOutput();
        }
    }

    private void shutdownLocalOutput() {
        if (sentClose) {
            finish(false, true);
        } else if (local instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        } else {
            local.close();
        }
    }

    private void maybeFinish() {
        if (sentClose && receivedClose && pendingLocalWrites == 0) {
            finish(false, true);
        }
    }

    void onWindowUpdate(int increment) {
        if (state == State.CLOSED) {
            return;
        }
        if ((long) sendCredit + increment > window) {
            reset("WINDOW_UPDATE beyond the window");
            return;
        }
        sendCredit += increment;
        maybeReadLocal();
    }

    void onRemoteReset(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.debug("stream {} to {} reset by peer: {}", id, target, reason);
        if (state == State.OPENING) {
            failOpen(DialFailure.GENERAL, reason);
        } else {
            finish(true, true);
        }
    }

    /** Aborts the stream: tells the peer why and closes the local socket. */
    void reset(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        session.write(Frame.reset(id, reason));
        onRemoteReset(reason);
    }

    /**
     * The open failed (OPEN_FAIL, RESET, timeout, or the session ended while opening): the listener answers
     * the client. The stream is gone before the listener runs, so a listener that closes the client at once
     * (and so re-enters this stream) finds it closed.
     */
    void failOpen(DialFailure failure, String message) {
        if (state != State.OPENING) {
            return;
        }
        StreamOpenListener failedListener = listener;
        listener = null;
        finish(true, failedListener == null);
        if (failedListener != null) {
            failedListener.failed(failure, message);
        }
    }

    /** The session is gone: no frame can be sent any more. */
    void onSessionClosed() {
        if (state == State.OPENING) {
            failOpen(DialFailure.GENERAL, "tunnel session closed");
        } else {
            finish(true, true);
        }
    }

    private void finish(boolean reset, boolean closeLocal) {
        state = State.CLOSED;
        if (openTimeout != null) {
            openTimeout.cancel(false);
        }
        ByteBuf early;
        while ((early = earlyData.poll()) != null) {
            early.release();
        }
        session.removeStream(this, reset);
        if (closeLocal && local != null) {
            local.close();
        }
    }
}
