package io.d2iq.kubetunnel.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.support.RawHttp;
import io.d2iq.kubetunnel.tunnel.support.RawWebSocket;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sessions coming and going over TLS: restarts, replacement, dead peers, hostile peers. */
class TunnelLifecycleIT {

    /** The fixture's agents back off at most 500 ms; new streams must work well within this. */
    static final Duration RECOVERY = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    TunnelFixture tunnel;
    TestTarget echo;
    SSLContext tls;

    @BeforeEach
    void start() throws Exception {
        echo = TestTarget.echo();
        tunnel = new TunnelFixture(dir, true);
        tunnel.startServer();
        tls = RawHttp.trusting(tunnel.caFile());
    }

    @AfterEach
    void stop() {
        tunnel.close();
        echo.close();
    }

    private void assertEchoWorks() throws IOException {
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())) {
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("hello");
        }
    }

    private static boolean endsWithEofOrReset(Socket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Test
    void anAgentKilledWithOpenStreamsIsBackAndCarryingNewStreamsAfterARestart() throws Exception {
        tunnel.startAgent(List.of(echo.address()));
        tunnel.awaitConnected();
        try (Socket open1 = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port());
                Socket open2 = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())) {
            await().until(() -> tunnel.server().streamCount() == 2);
            tunnel.stopAgent();
            assertThat(endsWithEofOrReset(open1)).isTrue();
            assertThat(endsWithEofOrReset(open2)).isTrue();
            await().until(() ->
                    !tunnel.server().agentConnected() && tunnel.server().streamCount() == 0);
            await().until(() -> echo.open() == 0);
        }
        tunnel.startAgent(List.of(echo.address()));
        await().atMost(RECOVERY).ignoreExceptions().untilAsserted(this::assertEchoWorks);
    }

    @Test
    void anAgentReconnectsOnItsOwnAfterTheServerRestarts() throws Exception {
        tunnel.startAgent(List.of(echo.address()));
        tunnel.awaitConnected();
        assertEchoWorks();
        int proxyPort = tunnel.proxy().getPort();
        tunnel.stopServer();
        await().until(() -> !tunnel.agent().isConnected());
        tunnel.startServer(proxyPort);
        await().atMost(RECOVERY)
                .until(() -> tunnel.agent().isConnected() && tunnel.server().agentConnected());
        assertThat(tunnel.agent().establishedSessions()).isEqualTo(2);
        assertEchoWorks();
    }

    @Test
    void aNewSessionReplacesTheOldOneAndResetsItsStreams() throws Exception {
        tunnel.startAgent(List.of(echo.address()));
        tunnel.awaitConnected();
        try (Socket onOldSession = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port());
                RawWebSocket newer = RawWebSocket.open(tls, tunnel.port(), TunnelFixture.TOKEN)) {
            newer.send(Frame.hello(ProtocolConstants.MIN_VERSION, ProtocolConstants.MAX_VERSION, "raw-test"));
            assertThat(endsWithEofOrReset(onOldSession)).isTrue();
            await().until(() -> tunnel.server().streamCount() == 0);
        }
        await().atMost(RECOVERY).ignoreExceptions().untilAsserted(this::assertEchoWorks);
    }

    @Test
    void aSessionThatNeverAnswersPingsIsDropped() throws Exception {
        try (RawWebSocket silent = RawWebSocket.open(tls, tunnel.port(), TunnelFixture.TOKEN)) {
            silent.send(Frame.hello(ProtocolConstants.MIN_VERSION, ProtocolConstants.MAX_VERSION, "silent"));
            await().until(() -> tunnel.server().agentConnected());
            assertThat(silent.closedByServer()).isTrue();
            await().until(() -> !tunnel.server().agentConnected());
            assertThat(tunnel.server()
                            .meterRegistry()
                            .get("kubetunnel.pings.missed")
                            .counter()
                            .count())
                    .isEqualTo(1);
        }
    }

    @Test
    void malformedFramesCloseOnlyThatSessionAndTheServerCarriesOn() throws Exception {
        Random random = new Random(4);
        for (int i = 0; i < 20; i++) {
            try (RawWebSocket hostile = RawWebSocket.open(tls, tunnel.port(), TunnelFixture.TOKEN)) {
                if (i % 2 == 0) {
                    hostile.send(Frame.hello(ProtocolConstants.MIN_VERSION, ProtocolConstants.MAX_VERSION, "hostile"));
                }
                byte[] garbage = new byte[1 + random.nextInt(200)];
                random.nextBytes(garbage);
                garbage[0] = (byte) (0x40 | random.nextInt(0x40));
                hostile.sendBinary(garbage);
                assertThat(hostile.closedByServer()).isTrue();
            }
        }
        assertThat(RawHttp.exchange(tls, tunnel.port(), RawHttp.get("/status"))).startsWith("HTTP/1.1 200");
        tunnel.startAgent(List.of(echo.address()));
        tunnel.awaitConnected();
        assertEchoWorks();
    }
}
