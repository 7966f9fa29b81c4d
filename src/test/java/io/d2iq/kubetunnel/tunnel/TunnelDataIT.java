package io.d2iq.kubetunnel.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
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
    void halfCloseDeliversTheRemainingReplyAfterTheClientStopsSending() throws Exception {
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())) {
            socket.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("ping");
        }
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
