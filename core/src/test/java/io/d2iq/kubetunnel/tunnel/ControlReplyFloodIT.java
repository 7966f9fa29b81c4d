package io.d2iq.kubetunnel.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.agent.AgentSettings;
import io.d2iq.kubetunnel.tunnel.agent.AllowList;
import io.d2iq.kubetunnel.tunnel.agent.TunnelAgent;
import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.server.TunnelServer;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import io.d2iq.kubetunnel.tunnel.support.Flood;
import io.d2iq.kubetunnel.tunnel.support.RawHttp;
import io.d2iq.kubetunnel.tunnel.support.RawWebSocket;
import io.d2iq.kubetunnel.tunnel.support.RogueTunnelServer;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that sends PINGs, WebSocket pings (and, from a server, refused OPENs) as fast as it can and never
 * reads the answers: the flooded side stops reading it, its outbound buffer stays bounded, and the rest keeps working.
 */
class ControlReplyFloodIT {

    /** The most a flooded side may hold for a peer that does not read: the tunnel's write-buffer high-water mark. */
    static final long OUTBOUND_BOUND = ProtocolConstants.TUNNEL_WRITE_HIGH_WATER_MARK;
    /**
     * No write of the flood went through for this long: the flooded side has stopped reading (a side that only
     * falls behind on a loaded machine stalls the flood for a second at most).
     */
    static final long STALLED_MILLIS = 3_000;

    static final Duration STALL_WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void anAgentThatPingsAndNeverReadsIsNoLongerReadAndAnotherAgentStillCarriesStreams() throws Exception {
        try (TunnelFixture tunnel = new TunnelFixture(dir, false);
                TestTarget hashSink = TestTarget.hashSink()) {
            // the server's own pings time out only after the default 20 s, so the flood is not cut short
            TunnelServer server = tunnel.startServer(0, KeepAlive.DEFAULT, ConnectionLimits.DEFAULT);
            try (RawWebSocket flooder = RawWebSocket.open(null, tunnel.port(), TunnelFixture.TOKEN)) {
                flooder.send(Frame.hello(1, 2, "flooder"));
                await().until(server::agentConnected);
                byte[] pings = batch(
                        RawWebSocket.clientMessage(0x2, RawWebSocket.payload(Frame.ping(1))),
                        RawWebSocket.clientMessage(0x9, new byte[0]));
                try (Flood flood = Flood.start(flooder::sendRaw, pings)) {
                    await().atMost(STALL_WITHIN).until(() -> flood.stalledFor(STALLED_MILLIS));
                    assertThat(server.unsentBytes()).isLessThan(OUTBOUND_BOUND);
                    assertThat(RawHttp.exchange(null, tunnel.port(), RawHttp.get("/status")))
                            .startsWith("HTTP/1.1 200");

                    tunnel.startAgent(List.of(hashSink.address()));
                    tunnel.awaitConnected();
                    assertThat(sends(tunnel, hashSink)).isTrue();
                }
            }
        }
    }

    @Test
    void aServerThatPingsAndOpensRefusedStreamsButNeverReadsIsNoLongerReadByTheAgent() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), TunnelFixture.TOKEN);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (RogueTunnelServer rogue = new RogueTunnelServer();
                TunnelAgent agent = new TunnelAgent(
                        new AgentSettings(
                                rogue.uri(),
                                token,
                                null,
                                AllowList.parse(List.of()),
                                ProxyEnvironment.from(Map.of()),
                                KeepAlive.DEFAULT,
                                Duration.ofSeconds(1)),
                        meters)) {
            agent.start();
            OutputStream toAgent = rogue.acceptAgent();
            await().until(agent::isConnected);
            byte[] provocations = batch(
                    RogueTunnelServer.serverMessage(0x2, RawWebSocket.payload(Frame.ping(1))),
                    RogueTunnelServer.serverMessage(0x9, new byte[0]),
                    RogueTunnelServer.serverMessage(0x2, RawWebSocket.payload(Frame.open(1, "10.0.0.1:443"))));
            try (Flood flood = Flood.start(toAgent::write, provocations)) {
                await().atMost(STALL_WITHIN).until(() -> flood.stalledFor(STALLED_MILLIS));
                assertThat(agent.unsentBytes()).isLessThan(OUTBOUND_BOUND);
                assertThat(meters.counter(
                                        "kubetunnel.dial.failures",
                                        "side",
                                        "agent",
                                        "reason",
                                        DialFailure.NOT_ALLOWED.name())
                                .count())
                        .isPositive();
            }
        }
    }

    /** Many copies of the messages, interleaved, in one write. */
    private static byte[] batch(byte[]... messages) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        for (byte[] message : messages) {
            one.writeBytes(message);
        }
        return Flood.repeat(one.toByteArray(), 64 * 1024 / one.size());
    }

    /** One MiB through a new stream arrives with the same SHA-256. */
    private static boolean sends(TunnelFixture tunnel, TestTarget hashSink) throws Exception {
        byte[] data = new byte[1024 * 1024];
        new Random(11).nextBytes(data);
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", hashSink.port())) {
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
            String theirs = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return theirs.equals(HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        }
    }
}
