package io.d2iq.kubetunnel.camel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on 127.0.0.1 between a client and the embedded API, to break watches as networks and API servers do:
 * {@link #severAll()} cuts every open connection, {@link #answerNextWatchWithGone()} makes the next watch request
 * fail with 410 Gone as a real API server does when the watch's resourceVersion is too old (an ERROR event on the
 * opened WebSocket), and
 * {@link #refuseConnections} plays an unreachable server.
 */
final class ApiRelay implements AutoCloseable {

    private final int upstreamPort;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;

    ApiRelay(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** While true, new connections are closed at once, as by a server that is down. */
    void refuseConnections(boolean refuse) {
        refusing = refuse;
    }

    void severAll() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() throws Exception {
        closeQuietly(listener);
        severAll();
        threads.shutdownNow();
        threads.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                open.add(client);
                threads.execute(() -> relay(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void relay(Socket client) {
        try (client) {
            InputStream fromClient = client.getInputStream();
            try (Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort)) {
                open.add(upstream);
                threads.execute(() -> pump(fromClient, upstream));
                pump(upstream.getInputStream(), client);
            } finally {
                open.removeIf(Socket::isClosed);
            }
        } catch (IOException severed) {
            // a cut connection is what this relay is for
        }
    }

    /** Copies until either side closes, then closes the destination. */
    private void pump(InputStream from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = from.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException severed) {
            // either end went away
        } finally {
            closeQuietly(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
