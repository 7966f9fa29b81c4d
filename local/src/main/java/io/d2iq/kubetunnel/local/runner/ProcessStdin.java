package io.d2iq.kubetunnel.local.runner;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the client sends on the stdin stream, written into a process's stdin by a thread of its own (the event loop
 * never blocks on a pipe). At most {@link #PAUSE_ABOVE} bytes wait: beyond that the connection stops reading until
 * the process has taken them down to {@link #RESUME_BELOW}. The end of the stream closes the process's stdin, which
 * is how {@code exec -i} and {@code cp} into a Pod tell the command that its input is over. A process that stops
 * reading (its stdin closed, or it exited) has the rest discarded, so the connection is never paused for good.
 */
final class ProcessStdin {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessStdin.class);
    private static final long PAUSE_ABOVE = 1024 * 1024;
    private static final long RESUME_BELOW = 256 * 1024;
    /** How often a paused connection is looked at again while nothing is queued. */
    private static final long POLL_MILLIS = 100;

    /** Marks the end of input; a buffer of its own, compared by identity. */
    private final ByteBuf end = Unpooled.buffer(0);

    private final BlockingQueue<ByteBuf> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final String pod;
    private final Channel channel;
    private final OutputStream process;

    private ProcessStdin(String pod, Channel channel, OutputStream process) {
        this.pod = pod;
        this.channel = channel;
        this.process = process;
    }

    /** Starts the writer thread into {@code process}. */
    static ProcessStdin start(String pod, Channel channel, OutputStream process) {
        ProcessStdin stdin = new ProcessStdin(pod, channel, process);
        Thread writer = new Thread(stdin::writeAll, "exec-stdin " + pod);
        writer.setDaemon(true);
        writer.start();
        return stdin;
    }

    /** Queues {@code data} (taking it over) and, when {@code last}, the end of input; on the event loop. */
    void offer(ByteBuf data, boolean last) {
        if (ended.get()) {
            data.release();
            return;
        }
        if (data.isReadable()) {
            queued.addAndGet(data.readableBytes());
            queue.add(data);
            if (queued.get() > PAUSE_ABOVE && paused.compareAndSet(false, true)) {
                channel.config().setAutoRead(false);
            }
        } else {
            data.release();
        }
        if (last && ended.compareAndSet(false, true)) {
            queue.add(end);
        }
    }

    private void writeAll() {
        boolean open = true;
        try {
            while (true) {
                ByteBuf data = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (data == end) {
                    break;
                }
                if (data != null) {
                    int length = data.readableBytes();
                    try {
                        if (open) {
                            data.readBytes(process, length);
                            process.flush();
                        }
                    } catch (IOException e) {
                        LOG.info(
                                "exec in {}: the command stopped reading its stdin ({}); the rest is discarded",
                                pod,
                                e.getMessage());
                        open = false;
                    } finally {
                        data.release();
                    }
                    queued.addAndGet(-length);
                }
                if (queued.get() < RESUME_BELOW && paused.compareAndSet(true, false)) {
                    channel.config().setAutoRead(true);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /** The client is gone: nothing more comes, what waits is dropped. */
    void abandon() {
        if (ended.compareAndSet(false, true)) {
            queue.add(end);
        }
    }

    private void close() {
        for (ByteBuf left = queue.poll(); left != null; left = queue.poll()) {
            left.release();
        }
        try {
            process.close();
        } catch (IOException e) {
            LOG.debug("exec in {}: closing stdin failed", pod, e);
        }
    }
}
