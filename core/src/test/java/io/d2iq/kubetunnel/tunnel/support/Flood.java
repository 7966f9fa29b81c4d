package io.d2iq.kubetunnel.tunnel.support;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes one batch of bytes over and over from a thread of its own until the peer stops taking them or the
 * flood is closed; tells how much got through and whether the writes have stalled (the peer stopped reading).
 */
public final class Flood implements AutoCloseable {

    /** Writes one batch; blocks while the peer does not read. */
    public interface Sink {
        void write(byte[] batch) throws IOException;
    }

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong lastProgressNanos = new AtomicLong(System.nanoTime());
    private final Thread thread;

    private Flood(Sink sink, byte[] batch) {
        thread = new Thread(
                () -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            sink.write(batch);
                            written.addAndGet(batch.length);
                            lastProgressNanos.set(System.nanoTime());
                        }
                    } catch (IOException e) {
                        // the peer closed the connection: the flood is over
                    }
                },
                "flood");
        thread.setDaemon(true);
    }

    public static Flood start(Sink sink, byte[] batch) {
        Flood flood = new Flood(sink, batch);
        flood.thread.start();
        return flood;
    }

    /** {@code copies} copies of {@code message} back to back. */
    public static byte[] repeat(byte[] message, int copies) {
        byte[] batch = new byte[message.length * copies];
        for (int i = 0; i < copies; i++) {
            System.arraycopy(message, 0, batch, i * message.length, message.length);
        }
        return batch;
    }

    public long written() {
        return written.get();
    }

    /** Whether no batch has gone through for {@code millis}. */
    public boolean stalledFor(long millis) {
        return System.nanoTime() - lastProgressNanos.get() > millis * 1_000_000;
    }

    /** Stops the thread; the caller closes the socket, which unblocks a write in progress. */
    @Override
    public void close() {
        thread.interrupt();
    }
}
