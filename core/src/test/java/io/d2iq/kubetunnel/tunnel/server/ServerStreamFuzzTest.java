package io.d2iq.kubetunnel.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import io.d2iq.kubetunnel.tunnel.session.StreamOpenListener;
import io.d2iq.kubetunnel.tunnel.session.TunnelMetrics;
import io.d2iq.kubetunnel.tunnel.support.FuzzedSocket;
import io.d2iq.kubetunnel.tunnel.support.FuzzedTunnel;
import io.d2iq.kubetunnel.tunnel.support.LeaksFail;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seeded random sequences against the server's session with streams: proxy clients open streams, the agent
 * (this test) acknowledges, refuses, sends, credits, half-closes, resets and reuses their ids, the clients
 * send, end, close and fail, and time passes. Every case ends with the session consistent (a stream in the
 * table exactly while its client is open) and then, closed, with no stream left, every client closed and
 * answered at most once, every buffer released; a bystander session on the same metrics keeps its stream.
 * A failing case names its seed: rerun it alone with {@code -Dkubetunnel.fuzz.seed=S -Dkubetunnel.fuzz.cases=1}.
 */
@ExtendWith(LeaksFail.class)
class ServerStreamFuzzTest {

    static final long SEED = Long.getLong("kubetunnel.fuzz.seed", 20_261_202L);
    static final int CASES = Integer.getInteger("kubetunnel.fuzz.cases", 1_000);
    static final int MAX_STEPS = 60;
    static final String TARGET = "10.96.0.1:443";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final TunnelMetrics metrics = new TunnelMetrics(meters, "server");

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
        assertThat(meters.counter("kubetunnel.streams.opened", "side", "server").count())
                .as("streams opened")
                .isGreaterThan(CASES);
        assertThat(meters.counter("kubetunnel.streams.closed", "side", "server", "outcome", "closed")
                        .count())
                .as("streams closed cleanly")
                .isPositive();
        assertThat(meters.counter("kubetunnel.bytes", "side", "server", "direction", "sent")
                        .count())
                .as("bytes relayed")
                .isPositive();
        LeaksFail.assertNoLeaks();
    }

    private void runCase(Random random) {
        FuzzedTunnel agent = new FuzzedTunnel(
                new TunnelServerSession(new SessionRegistry(), metrics, KeepAlive.DEFAULT, "fuzz"), frame -> {});
        agent.send(Frame.hello(1, 1 + random.nextInt(2), "fuzz-agent"));
        List<Client> clients = new ArrayList<>();
        int steps = 1 + random.nextInt(MAX_STEPS);
        for (int step = 0; step < steps; step++) {
            int action = random.nextInt(100);
            if (action < 20) {
                clients.add(new Client(agent));
            } else if (action < 50) {
                agent.send(agentFrame(random, agent));
            } else if (action < 88) {
                if (!clients.isEmpty()) {
                    clients.get(random.nextInt(clients.size())).socket.act(random);
                }
            } else if (action < 92) {
                agent.advance(random.nextBoolean() ? ProtocolConstants.OPEN_TIMEOUT.toMillis() : 1_000);
            } else if (action < 93) {
                agent.overrunWindow(random, agent.streamId(random));
            } else {
                agent.send(agent.sessionFrame(random));
            }
        }
        clients.forEach(client -> client.socket.settle());
        if (agent.isOpen()) {
            long openClients =
                    clients.stream().filter(client -> client.socket.isOpen()).count();
            assertThat(agent.session().streamCount())
                    .as("streams in the table of an open session")
                    .isEqualTo(openClients);
        }
        agent.close();
        clients.forEach(Client::finish);
        assertThat(agent.session().streamCount())
                .as("streams left in a closed session")
                .isZero();
        agent.assertReleased();
    }

    /** What an agent sends about streams: mostly answers to OPEN, then stream traffic, sometimes what it must not send. */
    private static Frame agentFrame(Random random, FuzzedTunnel agent) {
        int id = agent.streamId(random);
        int kind = random.nextInt(20);
        if (kind < 5) {
            return Frame.openAck(id);
        }
        if (kind < 7) {
            return Frame.openFail(id, FuzzedTunnel.failure(random), "fuzzed refusal");
        }
        if (kind == 7) {
            return random.nextBoolean() ? Frame.hello(1, 2, "again") : Frame.open(id, TARGET);
        }
        return agent.streamFrame(random, id);
    }

    /** A proxy client: its socket, and the answers it got, which come at most once and close it on failure. */
    private static final class Client implements StreamOpenListener {

        final FuzzedSocket socket;
        int opened;
        int failed;

        Client(FuzzedTunnel agent) {
            socket = new FuzzedSocket(agent);
            agent.session().openStream(TARGET, socket.channel(), this);
            socket.settle();
        }

        @Override
        public void opened() {
            opened++;
        }

        @Override
        public void failed(DialFailure failure, String message) {
            failed++;
            // the handshakes answer the client and close it
            socket.channel().close();
        }

        void finish() {
            socket.finish();
            assertThat(socket.isOpen()).as("a client of a closed session").isFalse();
            assertThat(opened).as("opened answers").isLessThanOrEqualTo(1);
            assertThat(failed).as("failure answers").isLessThanOrEqualTo(1);
            assertThat(opened + failed)
                    .as("a client that was neither opened nor refused")
                    .isPositive();
        }
    }

    /** A session with one open stream that lives through every case on the same metrics. */
    private final class Bystander {

        final FuzzedTunnel agent = new FuzzedTunnel(
                new TunnelServerSession(new SessionRegistry(), metrics, KeepAlive.DEFAULT, "bystander"), frame -> {});
        final FuzzedSocket client = new FuzzedSocket(agent);
        final Random random = new Random(SEED);

        Bystander() {
            agent.send(Frame.hello(1, 2, "bystander"));
            agent.session().openStream(TARGET, client.channel(), new StreamOpenListener() {
                @Override
                public void opened() {}

                @Override
                public void failed(DialFailure failure, String message) {
                    throw new AssertionError("the bystander's stream failed: " + message);
                }
            });
            agent.send(Frame.openAck(1));
        }

        void assertStillRelays() {
            assertThat(agent.isOpen()).as("the bystander session").isTrue();
            agent.send(Frame.data(1, agent.buffer(random, 64)));
            ByteBuf relayed = client.readWritten();
            assertThat(relayed).as("DATA relayed to the bystander's client").isNotNull();
            relayed.release();
            assertThat(agent.session().streamCount()).isEqualTo(1);
        }

        void close() {
            agent.close();
            client.finish();
            agent.assertReleased();
        }
    }
}
