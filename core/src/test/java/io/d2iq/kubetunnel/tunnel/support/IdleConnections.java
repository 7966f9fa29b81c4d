package io.d2iq.kubetunnel.tunnel.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Many client connections to one port that send little or nothing, as a slowloris attacker holds them;
 * non-blocking, so one test thread can tell which ones the server has closed.
 */
public final class IdleConnections implements AutoCloseable {

    private final List<SocketChannel> channels = new ArrayList<>();
    private final List<Boolean> closedByServer = new ArrayList<>();

    private IdleConnections() {}

    /** Opens {@code count} connections to {@code server}. */
    public static IdleConnections open(InetSocketAddress server, int count) throws IOException {
        IdleConnections connections = new IdleConnections();
        for (int i = 0; i < count; i++) {
            connections.add(server);
        }
        return connections;
    }

    /** Opens one more connection to {@code server}. */
    public void add(InetSocketAddress server) throws IOException {
        SocketChannel channel = SocketChannel.open(server);
        channel.configureBlocking(false);
        channels.add(channel);
        closedByServer.add(false);
    }

    /** Sends {@code b} on every connection the server has not closed (the slowloris trickle). */
    public void sendOneByte(byte b) {
        for (int i = 0; i < channels.size(); i++) {
            if (!closedByServer.get(i)) {
                try {
                    channels.get(i).write(ByteBuffer.wrap(new byte[] {b}));
                } catch (IOException e) {
                    closedByServer.set(i, true);
                }
            }
        }
    }

    /** How many the server has closed so far (whatever it sent before is discarded). */
    public int closedByServer() {
        ByteBuffer sink = ByteBuffer.allocate(4096);
        for (int i = 0; i < channels.size(); i++) {
            if (closedByServer.get(i)) {
                continue;
            }
            try {
                int read;
                do {
                    sink.clear();
                    read = channels.get(i).read(sink);
                } while (read > 0);
                closedByServer.set(i, read < 0);
            } catch (IOException e) {
                closedByServer.set(i, true);
            }
        }
        return (int) closedByServer.stream().filter(closed -> closed).count();
    }

    public int size() {
        return channels.size();
    }

    @Override
    public void close() {
        for (SocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
