package io.d2iq.kubetunnel.tunnel.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.tunnel.support.IdleConnections;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy port against clients that trickle their handshake or open stream after stream. */
class ProxyPortAbuseIT {

    /** Shorter than production's 10 s to keep the test fast, longer than the trickle's interval. */
    static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(3);

    static final Duration TRICKLE_INTERVAL = Duration.ofSeconds(2);
    static final int SLOWLORIS_CLIENTS = 200;
    static final int STREAMS_PER_CLIENT = 10;
    /** Scheduling slack on a loaded machine. */
    static final Duration SLACK = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    TunnelFixture tunnel;
    TestTarget echo;

    @BeforeEach
    void start() throws Exception {
        echo = TestTarget.echo();
        tunnel = new TunnelFixture(dir, false);
        tunnel.startServer(
                0,
                TunnelFixture.FAST_KEEP_ALIVE,
                new ConnectionLimits(
                        HANDSHAKE_DEADLINE, ConnectionLimits.MAX_UNAUTHENTICATED_CONNECTIONS, STREAMS_PER_CLIENT));
        tunnel.startAgent(List.of(echo.address()));
        tunnel.awaitConnected();
    }

    @AfterEach
    void stop() {
        tunnel.close();
        echo.close();
    }

    @Test
    void slowlorisClientsTricklingOneByteEveryTwoSecondsAreAllClosedAtTheDeadlineFromAccept() throws Exception {
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        // a lower bound for every accept: the server cannot accept a connection before the client started opening it
        long beforeOpening = System.nanoTime();
        // half start a SOCKS5 greeting, half an HTTP CONNECT; every byte they send is valid so far
        try (IdleConnections socks = IdleConnections.open(tunnel.proxy(), SLOWLORIS_CLIENTS / 2);
                IdleConnections connect = IdleConnections.open(tunnel.proxy(), SLOWLORIS_CLIENTS / 2)) {
            byte[] socksGreeting = {5, 2, 0, 2};
            byte[] connectHead = ("CONNECT " + echo.address() + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
            int[] sent = {0};
            trickle.scheduleAtFixedRate(
                    () -> {
                        socks.sendOneByte(socksGreeting[Math.min(sent[0], socksGreeting.length - 1)]);
                        connect.sendOneByte(connectHead[sent[0]++]);
                    },
                    0,
                    TRICKLE_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);

            await().atMost(HANDSHAKE_DEADLINE.plus(SLACK))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> socks.closedByServer() + connect.closedByServer() == SLOWLORIS_CLIENTS);
            assertThat(Duration.ofNanos(System.nanoTime() - beforeOpening)).isGreaterThanOrEqualTo(HANDSHAKE_DEADLINE);
            assertThat(sent[0]).as("bytes trickled before the deadline").isGreaterThanOrEqualTo(2);
        } finally {
            trickle.shutdownNow();
        }
        assertEchoes();
    }

    @Test
    void oneClientAddressHoldsAtMostItsStreamsWhileAnotherAddressIsServed() throws Exception {
        List<Socket> streams = new ArrayList<>();
        try {
            for (int i = 0; i < STREAMS_PER_CLIENT; i++) {
                streams.add(Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port()));
            }
            await().until(() -> tunnel.server().streamCount() == STREAMS_PER_CLIENT);
            assertThatThrownBy(() -> Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())
                            .close())
                    .isInstanceOf(IOException.class);
            assertThat(echoesFrom("127.0.0.2")).as("another client address").isTrue();

            streams.remove(0).close();
            await().until(() -> tunnel.server().streamCount() == STREAMS_PER_CLIENT - 1);
            assertEchoes();
        } finally {
            for (Socket stream : streams) {
                stream.close();
            }
        }
    }

    private void assertEchoes() throws IOException {
        assertThat(echoesFrom("127.0.0.1")).isTrue();
    }

    /** A stream from the given loopback address echoes a greeting. */
    private boolean echoesFrom(String clientAddress) throws IOException {
        try (Socket socket = Socks5Client.connect(
                tunnel.proxy(), "127.0.0.1", echo.port(), new InetSocketAddress(clientAddress, 0))) {
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).equals("hello");
        }
    }
}
