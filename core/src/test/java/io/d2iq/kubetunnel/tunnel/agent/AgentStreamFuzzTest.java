package io.d2iq.kubetunnel.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.frame.Target;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import io.d2iq.kubetunnel.tunnel.session.TunnelMetrics;
import io.d2iq.kubetunnel.tunnel.support.FuzzedSocket;
import io.d2iq.kubetunnel.tunnel.support.FuzzedTunnel;
import io.d2iq.kubetunnel.tunnel.support.LeaksFail;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import java.net.ConnectException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seeded random sequences against the agent's session with streams: the server (this test) opens allowed
 * and refused targets, reuses ids, sends, credits, half-closes and resets, dials complete or fail at any
 * moment (also after their stream is gone), targets send, end, close and fail, and time passes. Every case
 * ends with the session consistent (a stream in the table exactly while its target is open, once every dial
 * has completed) and then, closed, with no stream left, every target closed, every buffer released; a
 * bystander session on the same metrics keeps its stream. A failing case names its seed: rerun it alone with
 * {@code -Dkubetunnel.fuzz.seed=S -Dkubetunnel.fuzz.cases=1}.
 */
@ExtendWith(LeaksFail.class)
class AgentStreamFuzzTest {

    static final long SEED = Long.getLong("kubetunnel.fuzz.seed", 20_261_202L);
    static final int CASES = Integer.getInteger("kubetunnel.fuzz.cases", 1_000);
    static final int MAX_STEPS = 60;
    static final String ALLOWED = "10.96.0.1:443";
    static final String REFUSED = "10.0.0.9:22";

    /** The sessions' parent: closed at once, so a session that ends never makes it reconnect. */
    static TunnelAgent agent;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TunnelMetrics metrics = new TunnelMetrics(meters, "agent");

    @BeforeAll
    static void closedAgent() throws Exception {
        agent = new TunnelAgent(
                new AgentSettings(
                        URI.create("ws://fuzz.invalid/"),
                        Path.of("unused-token"),
                        null,
                        AllowList.parse(List.of()),
                        ProxyEnvironment.from(Map.of()),
                        KeepAlive.DEFAULT,
                        Duration.ofSeconds(1)),
                new SimpleMeterRegistry());
        agent.close();
    }

    @AfterAll
    static void noAgent() {
        agent = null;
    }

    @Test
    void randomStreamSequencesLeaveEachSessionConsistentAndNothingBehind() {
        Bystander bystander = new Bystander();
        for (int c = 0; c < CASES; c++) {
            long seed = SEED + c;
            try {
                runCase(new Random(seed));
                bystander.assertStillRelays();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "fuzz case failed; rerun it with -Dkubetunnel.fuzz.seed=" + seed + " -Dkubetunnel.fuzz.cases=1",
                        e);
            }
        }
        bystander.close();
        assertThat(metrics.activeStreams()).isZero();
        assertThat(meters.counter("kubetunnel.streams.opened", "side", "agent").count())
                .as("streams opened")
                .isGreaterThan(CASES);
        assertThat(meters.counter("kubetunnel.streams.closed", "side", "agent", "outcome", "closed")
                        .count())
                .as("streams closed cleanly")
                .isPositive();
        assertThat(meters.counter("kubetunnel.bytes", "side", "agent", "direction", "sent")
                        .count())
                .as("bytes relayed")
                .isPositive();
        LeaksFail.assertNoLeaks();
    }

    private void runCase(Random random) {
        FuzzDialer dialer = new FuzzDialer();
        FuzzedTunnel server = established(dialer, random);
        dialer.tunnel = server;
        int steps = 1 + random.nextInt(MAX_STEPS);
        for (int step = 0; step < steps; step++) {
            int action = random.nextInt(100);
            if (action < 20) {
                int id = random.nextInt(4) == 0 ? server.streamId(random) : 1 + random.nextInt(32);
                server.send(Frame.open(id, random.nextInt(5) == 0 ? REFUSED : ALLOWED));
            } else if (action < 30) {
                dialer.completeOne(random, random.nextInt(4) != 0);
            } else if (action < 55) {
                server.send(serverFrame(random, server));
            } else if (action < 90) {
                if (!dialer.targets.isEmpty()) {
                    dialer.targets.get(random.nextInt(dialer.targets.size())).act(random);
                }
            } else if (action < 93) {
                server.advance(random.nextBoolean() ? ProtocolConstants.DIAL_TIMEOUT.toMillis() : 1_000);
            } else if (action < 94) {
                server.overrunWindow(random, server.streamId(random));
            } else {
                server.send(server.sessionFrame(random));
            }
        }
        if (server.isOpen()) {
            while (!dialer.pending.isEmpty()) {
                dialer.completeOne(random, true);
            }
            dialer.targets.forEach(FuzzedSocket::settle);
            long openTargets =
                    dialer.targets.stream().filter(FuzzedSocket::isOpen).count();
            assertThat(server.session().streamCount())
                    .as("streams in the table of an open session")
                    .isEqualTo(openTargets);
        }
        server.close();
        while (!dialer.pending.isEmpty()) {
            dialer.completeOne(random, random.nextBoolean());
        }
        for (FuzzedSocket target : dialer.targets) {
            target.finish();
            assertThat(target.isOpen()).as("a target of a closed session").isFalse();
        }
        assertThat(server.session().streamCount())
                .as("streams left in a closed session")
                .isZero();
        server.assertReleased();
    }

    private FuzzedTunnel established(Dialer dialer, Random random) {
        AgentSession session =
                new AgentSession(agent, AllowList.parse(List.of(ALLOWED)), dialer, metrics, KeepAlive.DEFAULT, "fuzz");
        FuzzedTunnel server = new FuzzedTunnel(session, frame -> {});
        server.channel().pipeline().fireUserEventTriggered(ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
        int version = 1 + random.nextInt(2);
        server.send(Frame.hello(version, version, "fuzz-server"));
        return server;
    }

    /** What a server sends about streams, sometimes what only an agent may send. */
    private static Frame serverFrame(Random random, FuzzedTunnel server) {
        int id = server.streamId(random);
        if (random.nextInt(20) == 0) {
            return random.nextBoolean() ? Frame.openAck(id) : Frame.hello(1, 2, "again");
        }
        return server.streamFrame(random, id);
    }

    /** Holds every dial until the fuzz completes it, with a target socket or a refusal. */
    private static final class FuzzDialer implements Dialer {

        final List<BiConsumer<Channel, Throwable>> pending = new ArrayList<>();
        final List<FuzzedSocket> targets = new ArrayList<>();
        FuzzedTunnel tunnel;

        @Override
        public void dial(Target target, EventLoop loop, BiConsumer<Channel, Throwable> done) {
            pending.add(done);
        }

        void completeOne(Random random, boolean connected) {
            if (pending.isEmpty()) {
                return;
            }
            BiConsumer<Channel, Throwable> done = pending.remove(random.nextInt(pending.size()));
            if (connected) {
                FuzzedSocket target = new FuzzedSocket(tunnel);
                targets.add(target);
                done.accept(target.channel(), null);
                target.settle();
            } else {
                done.accept(null, new ConnectException("Connection refused"));
                tunnel.drain();
            }
        }
    }

    /** A session with one open stream that lives through every case on the same metrics. */
    private final class Bystander {

        final FuzzDialer dialer = new FuzzDialer();
        final FuzzedTunnel server = established(dialer, new Random(SEED));
        final Random random = new Random(SEED);

        Bystander() {
            dialer.tunnel = server;
            server.send(Frame.open(1, ALLOWED));
            dialer.completeOne(random, true);
        }

        void assertStillRelays() {
            assertThat(server.isOpen()).as("the bystander session").isTrue();
            server.send(Frame.data(1, server.buffer(random, 64)));
            ByteBuf relayed = dialer.targets.get(0).readWritten();
            assertThat(relayed).as("DATA relayed to the bystander's target").isNotNull();
            relayed.release();
            assertThat(server.session().streamCount()).isEqualTo(1);
        }

        void close() {
            server.close();
            dialer.targets.forEach(FuzzedSocket::finish);
            server.assertReleased();
        }
    }
}
