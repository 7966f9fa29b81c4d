package io.d2iq.kubetunnel.demo;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a Pod's port-forward reaches: a loopback server that, per connection, reads an 8-byte length N, then echoes
 * the next N bytes, then closes. For each connection it reports how many bytes it received and their SHA-256, so a
 * test can check both directions (kwok v0.7.0 does not pass a client's half-close on to the target, so the length
 * says where the data ends).
 */
final class LoopbackEchoServer implements AutoCloseable {

    /** What one connection delivered to the server. */
    record Received(long bytes, String sha256) {}

    private final ServerSocket server;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final Thread acceptor;

    LoopbackEchoServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = daemon("echo-accept", this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** The next connection's report, once it has echoed all it was told to. */
    Received awaitReceived(Duration timeout) throws InterruptedException {
        Received next = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("the echo server finished no connection within " + timeout);
        }
        return next;
    }

    /** Forgets the reports of earlier connections. */
    void discardReports() {
        received.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                daemon("echo-" + socket.getPort(), () -> echo(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            long length = new DataInputStream(in).readLong();
            MessageDigest digest = sha256();
            byte[] buffer = new byte[64 * 1024];
            long left = length;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    break;
                }
                digest.update(buffer, 0, n);
                out.write(buffer, 0, n);
                left -= n;
            }
            out.flush();
            received.add(new Received(length - left, HexFormat.of().formatHex(digest.digest())));
        } catch (IOException e) {
            received.add(new Received(-1, e.toString()));
        }
    }

    static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
