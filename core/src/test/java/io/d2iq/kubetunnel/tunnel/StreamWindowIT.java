package io.d2iq.kubetunnel.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.FrameType;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.support.RawHttp;
import io.d2iq.kubetunnel.tunnel.support.RawWebSocket;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The window a session's streams get follows the negotiated protocol version: a hand-driven agent that never
 * credits anything back receives at most one window of a client's bytes (less at most one local read), and then
 * nothing.
 */
class StreamWindowIT {

    /** How long no further DATA may arrive once a window's worth has. */
    private static final int QUIET_MILLIS = 1500;

    @TempDir
    Path dir;

    TunnelFixture tunnel;
    SSLContext tls;
    ExecutorService client = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() throws Exception {
        tunnel = new TunnelFixture(dir, true);
        tunnel.startServer();
        tls = RawHttp.trusting(tunnel.caFile());
    }

    @AfterEach
    void stop() {
        client.shutdownNow();
        tunnel.close();
    }

    @ParameterizedTest(name = "agent speaking {0}..{1} gets version {2} and a window of {3} bytes")
    @CsvSource({"1, 1, 1, 262144", "1, 2, 2, 1048576", "2, 2, 2, 1048576"})
    void anAgentThatNeverCreditsReceivesAtMostTheNegotiatedWindow(int min, int max, int version, int window)
            throws Exception {
        assertThat(ProtocolConstants.streamWindow(version)).isEqualTo(window);
        try (RawWebSocket agent = RawWebSocket.open(tls, tunnel.port(), TunnelFixture.TOKEN)) {
            agent.send(Frame.hello(min, max, "raw-agent"));
            Frame hello = nextAnsweringPings(agent, 10_000);
            assertThat(hello.type()).isEqualTo(FrameType.HELLO);
            assertThat(hello.maxVersion()).isEqualTo(version);
            await().until(() -> tunnel.server().agentConnected());

            Future<?> sender = client.submit(() -> {
                try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", 9)) {
                    OutputStream out = socket.getOutputStream();
                    out.write(new byte[2 * ProtocolConstants.WINDOW]);
                    out.flush();
                    Thread.sleep(60_000); // keeps the stream open while the test counts
                }
                return null;
            });
            Frame open = nextAnsweringPings(agent, 10_000);
            assertThat(open.type()).isEqualTo(FrameType.OPEN);
            agent.send(Frame.openAck(open.streamId()));

            // The server reads its client only with a whole local read of credit left, so it may stop short.
            long least = window - ProtocolConstants.LOCAL_READ_SIZE;
            assertThat(dataBytesUntilQuiet(agent, least)).isBetween(least, (long) window);
            sender.cancel(true);
        }
    }

    /** The next frame but PING, which is answered (the fixture's server drops an agent that misses pongs). */
    private static Frame nextAnsweringPings(RawWebSocket agent, int timeoutMillis) throws Exception {
        Frame frame = agent.receive(timeoutMillis);
        while (frame.type() == FrameType.PING) {
            agent.send(Frame.pong(frame.pingValue()));
            frame = agent.receive(timeoutMillis);
        }
        return frame;
    }

    /**
     * Sums DATA payloads: waits (up to 10 s per frame) until at least {@code least} bytes have come, then until
     * none has come for {@link #QUIET_MILLIS}, answering pings meanwhile.
     */
    private static long dataBytesUntilQuiet(RawWebSocket agent, long least) throws Exception {
        long bytes = 0;
        long lastData = System.nanoTime();
        while (bytes < least || System.nanoTime() - lastData < TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS)) {
            Frame frame;
            try {
                frame = agent.receive(bytes < least ? 10_000 : QUIET_MILLIS);
            } catch (SocketTimeoutException quiet) {
                break;
            }
            if (frame.type() == FrameType.PING) {
                agent.send(Frame.pong(frame.pingValue()));
            } else if (frame.type() == FrameType.DATA) {
                bytes += frame.content().readableBytes();
                lastData = System.nanoTime();
            }
            frame.release();
        }
        return bytes;
    }
}
