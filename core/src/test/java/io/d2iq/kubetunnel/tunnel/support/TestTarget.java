package io.d2iq.kubetunnel.tunnel.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A blocking TCP server on 127.0.0.1, a thread per connection, standing in for a stream's target. */
public final class TestTarget implements AutoCloseable {

    /** What the target does with one accepted connection. */
    public interface Behaviour {
        void serve(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    public TestTarget(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        threads.execute(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    socket.setTcpNoDelay(true);
                    accepted.incrementAndGet();
                    sockets.add(socket);
                    threads.execute(() -> {
                        try (socket) {
                            behaviour.serve(socket);
                        } catch (Exception e) {
                            // the client went away: nothing to serve
                        } finally {
                            sockets.remove(socket);
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Echoes every byte, then half-closes after the client's half-close. */
    public static TestTarget echo() throws IOException {
        return new TestTarget(socket -> {
            socket.getInputStream().transferTo(socket.getOutputStream());
            socket.shutdownOutput();
        });
    }

    /** Reads to EOF, then answers the SHA-256 (hex) of everything it read and closes. */
    public static TestTarget hashSink() throws IOException {
        return new TestTarget(socket -> {
            String hash = sha256(socket.getInputStream());
            socket.getOutputStream().write(hash.getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
        });
    }

    /** Writes without end (until the client goes away), never reading. */
    public static TestTarget endlessSource() throws IOException {
        return new TestTarget(socket -> {
            byte[] chunk = new byte[64 * 1024];
            OutputStream out = socket.getOutputStream();
            while (true) {
                out.write(chunk);
            }
        });
    }

    public static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        int read;
        while ((read = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, read);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, as the agent's allow-list names it. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public int accepted() {
        return accepted.get();
    }

    /** Connections currently being served. */
    public int open() {
        return sockets.size();
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
