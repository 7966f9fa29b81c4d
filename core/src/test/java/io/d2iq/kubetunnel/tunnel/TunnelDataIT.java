package io.d2iq.kubetunnel.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes through the tunnel over TLS: integrity, concurrency, half-close and per-stream flow control. */
class TunnelDataIT {

    @TempDir
    static java.nio.file.Path dir;

    static TunnelFixture tunnel;
    static TestTarget echo;
    static TestTarget hashSink;
    static TestTarget endless;

    @BeforeAll
    static void start() throws Exception {
        echo = TestTarget.echo();
        hashSink = TestTarget.hashSink();
        endless = TestTarget.endlessSource();
        tunnel = new TunnelFixture(dir, true);
        tunnel.startServer();
        tunnel.startAgent(List.of(echo.address(), hashSink.address(), endless.address()));
        tunnel.awaitConnected();
    }

    @AfterAll
    static void stop() {
        tunnel.close();
        echo.close();
        hashSink.close();
        endless.close();
    }

    @Test
    void oneHundredMebibytesArriveWithTheSameSha256() throws Exception {
        assertThat(sendAndHash(hashSink, 100 * 1024 * 1024, 1)).isTrue();
    }

    @Test
    void oneHundredMebibytesEchoedBackArriveWithTheSameSha256() throws Exception {
        // The echo's half travels agent -> server, the direction whose WebSocket frames the agent masks.
        int size = 100 * 1024 * 1024;
        ExecutorService sender = Executors.newSingleThreadExecutor();
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())) {
            socket.setSoTimeout(60_000); // a stall fails the test instead of hanging the build
            Future<String> sent = sender.submit(() -> {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                Random random = new Random(3);
                byte[] chunk = new byte[64 * 1024];
                for (int written = 0; written < size; written += chunk.length) {
                    random.nextBytes(chunk);
                    digest.update(chunk);
                    socket.getOutputStream().write(chunk);
                }
                socket.shutdownOutput();
                return HexFormat.of().formatHex(digest.digest());
            });
            String received = TestTarget.sha256(socket.getInputStream());
            assertThat(received).isEqualTo(sent.get(60, TimeUnit.SECONDS));
        } finally {
            sender.shutdownNow();
        }
    }

    @Test
    void halfCloseDeliversTheRemainingReplyAfterTheClientStopsSending() throws Exception {
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())) {
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("ping");
        }
    }

    @Test
    void fiveHundredConcurrentStreamsOfMixedSizesEachEchoTheirOwnBytes() throws Exception {
        int[] sizes = {0, 1, 1_000, 16 * 1024, 100 * 1024, 200 * 1024};
        List<Socket> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            for (int i = 0; i < 500; i++) {
                sockets.add(Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port()));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> tunnel.server().streamCount() == 500 && echo.open() >= 500);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < sockets.size(); i++) {
                Socket socket = sockets.get(i);
                int size = sizes[i % sizes.length];
                long seed = i;
                results.add(pool.submit(() -> echoesExactly(socket, size, seed)));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(120, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        tunnel.server().streamCount() == 0 && tunnel.agent().streamCount() == 0);
    }

    @Test
    void aStalledReaderDoesNotSlowAnotherStreamMovingFiftyMebibytes() throws Exception {
        try (Socket stalled = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", endless.port())) {
            await().atMost(Duration.ofSeconds(5)).until(() -> endless.open() == 1);
            long started = System.nanoTime();
            assertThat(sendAndHash(hashSink, 50 * 1024 * 1024, 2)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
            assertThat(stalled.isClosed()).isFalse();
            // The hash stream's close reaches the agent asynchronously; the stalled stream must outlive it.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(
                            () -> assertThat(tunnel.agent().streamCount()).isEqualTo(1));
        }
    }

    private static boolean echoesExactly(Socket socket, int size, long seed) throws Exception {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        socket.getOutputStream().write(data);
        socket.shutdownOutput();
        byte[] echoed = socket.getInputStream().readAllBytes();
        return java.util.Arrays.equals(data, echoed);
    }

    /** Streams {@code size} seeded random bytes to the hash sink and compares its SHA-256 with ours. */
    static boolean sendAndHash(TestTarget sink, int size, long seed) throws Exception {
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", sink.port())) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Random random = new Random(seed);
            byte[] chunk = new byte[64 * 1024];
            OutputStream out = socket.getOutputStream();
            for (int sent = 0; sent < size; sent += chunk.length) {
                random.nextBytes(chunk);
                int length = Math.min(chunk.length, size - sent);
                digest.update(chunk, 0, length);
                out.write(chunk, 0, length);
            }
            socket.shutdownOutput();
            String theirs = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return theirs.equals(HexFormat.of().formatHex(digest.digest()));
        }
    }
}
