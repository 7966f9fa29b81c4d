package io.d2iq.kubetunnel.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.tunnel.support.IdleConnections;
import io.d2iq.kubetunnel.tunnel.support.RawHttp;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tunnel port against forged tokens, slow request heads and floods of connections that never authenticate. */
class TunnelPortAbuseIT {

    static final int FORGED_UPGRADES = 1_000;
    static final String OTHER_CONNECTORS_TOKEN = "connector-token-b";
    /** Short, to keep the test fast; production's is ConnectionLimits.HANDSHAKE_DEADLINE. */
    static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(2);

    static final int UNAUTHENTICATED_CAP = 16;
    static final int BEYOND_CAP = 4;
    /** Scheduling slack on a loaded machine. */
    static final Duration SLACK = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    TunnelFixture tunnel;
    TestTarget hashSink;

    void start(ConnectionLimits limits) throws Exception {
        hashSink = TestTarget.hashSink();
        tunnel = new TunnelFixture(dir, false);
        tunnel.startServer(0, TunnelFixture.FAST_KEEP_ALIVE, limits);
        tunnel.startAgent(List.of(hashSink.address()));
        tunnel.awaitConnected();
    }

    @AfterEach
    void stop() {
        tunnel.close();
        hashSink.close();
    }

    @Test
    void aThousandForgedUpgradesAreAllRefusedWhileARealStreamKeepsItsSha256() throws Exception {
        start(ConnectionLimits.DEFAULT);
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try {
            Future<Boolean> stream = threads.submit(() -> sendsWithTheSameSha256(64 * 1024 * 1024));
            List<Future<String>> refusals = new ArrayList<>();
            for (int i = 0; i < FORGED_UPGRADES; i++) {
                String authorization = switch (i % 4) {
                    case 0 -> null;
                    case 1 -> "Bearer " + UUID.randomUUID();
                    case 2 -> "Bearer " + OTHER_CONNECTORS_TOKEN;
                    default -> "Basic " + TunnelFixture.TOKEN;
                };
                refusals.add(threads.submit(
                        () -> RawHttp.exchange(null, tunnel.port(), RawHttp.upgrade("/forged", authorization))));
            }
            for (Future<String> refusal : refusals) {
                assertThat(refusal.get(60, TimeUnit.SECONDS)).startsWith("HTTP/1.1 401");
            }
            assertThat(stream.get(120, TimeUnit.SECONDS)).isTrue();
            assertThat(tunnel.agent().establishedSessions())
                    .as("the real agent was never replaced")
                    .isEqualTo(1);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aClientTricklingItsUpgradeHeadIsClosedAtTheDeadlineFromAccept() throws Exception {
        start(new ConnectionLimits(
                HANDSHAKE_DEADLINE,
                ConnectionLimits.MAX_UNAUTHENTICATED_CONNECTIONS,
                ConnectionLimits.MAX_STREAMS_PER_CLIENT_ADDRESS));
        byte[] head = RawHttp.upgrade("/slow", "Bearer " + TunnelFixture.TOKEN).getBytes(StandardCharsets.US_ASCII);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (IdleConnections silent = IdleConnections.open(address(), 1);
                IdleConnections slow = IdleConnections.open(address(), 1)) {
            int[] sent = {0};
            trickle.scheduleAtFixedRate(() -> slow.sendOneByte(head[sent[0]++]), 0, 300, TimeUnit.MILLISECONDS);
            long acceptedNanos = System.nanoTime();
            await().atMost(HANDSHAKE_DEADLINE.plus(SLACK))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> silent.closedByServer() + slow.closedByServer() == 2);
            assertThat(Duration.ofNanos(System.nanoTime() - acceptedNanos))
                    .isGreaterThanOrEqualTo(HANDSHAKE_DEADLINE.minusMillis(100));
            assertThat(sent[0])
                    .as("bytes trickled before the deadline")
                    .isGreaterThan(3)
                    .isLessThan(head.length);
        } finally {
            trickle.shutdownNow();
        }
        assertThat(tunnel.agent().establishedSessions())
                .as("the authenticated session has no deadline")
                .isEqualTo(1);
    }

    @Test
    void connectionsBeyondTheUnauthenticatedCapAreClosedAtOnceWhileTheAgentKeepsItsStreams() throws Exception {
        start(new ConnectionLimits(
                ConnectionLimits.HANDSHAKE_DEADLINE,
                UNAUTHENTICATED_CAP,
                ConnectionLimits.MAX_STREAMS_PER_CLIENT_ADDRESS));
        try (IdleConnections idle = IdleConnections.open(address(), UNAUTHENTICATED_CAP + BEYOND_CAP)) {
            await().atMost(SLACK).until(() -> idle.closedByServer() >= BEYOND_CAP);
            assertThat(idle.closedByServer()).isEqualTo(BEYOND_CAP);
            assertThat(sendsWithTheSameSha256(1024 * 1024))
                    .as("the agent's session does not count")
                    .isTrue();
        }
        await().untilAsserted(() -> assertThat(RawHttp.exchange(null, tunnel.port(), RawHttp.get("/status")))
                .startsWith("HTTP/1.1 200"));
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", tunnel.port());
    }

    /** Streams {@code size} seeded random bytes to the hash sink through the tunnel and compares SHA-256s. */
    private boolean sendsWithTheSameSha256(int size) throws Exception {
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", hashSink.port())) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            Random random = new Random(7);
            byte[] chunk = new byte[64 * 1024];
            OutputStream out = socket.getOutputStream();
            for (int sent = 0; sent < size; sent += chunk.length) {
                random.nextBytes(chunk);
                digest.update(chunk);
                out.write(chunk);
            }
            socket.shutdownOutput();
            String theirs = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return theirs.equals(HexFormat.of().formatHex(digest.digest()));
        }
    }
}
