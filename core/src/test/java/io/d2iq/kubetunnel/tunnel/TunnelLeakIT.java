package io.d2iq.kubetunnel.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ten thousand streams opened, used and closed leave no stream entries and no pooled memory behind. */
class TunnelLeakIT {

    static final int CYCLES = 10_000;
    static final int WARM_UP_CYCLES = 1_000;
    static final int CLIENT_THREADS = 8;
    /** Pool chunks are shared by every stream; a few more or fewer after the run is fragmentation, not a leak. */
    static final long SLACK_BYTES =
            3L * PooledByteBufAllocator.defaultPageSize() << PooledByteBufAllocator.defaultMaxOrder();

    @TempDir
    static Path dir;

    static TunnelFixture tunnel;
    static TestTarget echo;

    @BeforeAll
    static void start() throws Exception {
        echo = TestTarget.echo();
        tunnel = new TunnelFixture(dir, true);
        tunnel.startServer();
        tunnel.startAgent(List.of(echo.address()));
        tunnel.awaitConnected();
    }

    @AfterAll
    static void stop() {
        tunnel.close();
        echo.close();
    }

    @Test
    void tenThousandOpenCloseCyclesLeaveEmptyStreamTablesAndPooledMemoryAtBaseline() throws Exception {
        PooledByteBufAllocatorMetric pool = PooledByteBufAllocator.DEFAULT.metric();
        runCycles(WARM_UP_CYCLES);
        awaitIdle();
        long directBaseline = pool.usedDirectMemory();
        long heapBaseline = pool.usedHeapMemory();
        double closedBefore = tunnel.server().meterRegistry().get("kubetunnel.streams.closed").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();

        runCycles(CYCLES);

        awaitIdle();
        double closedAfter = tunnel.server().meterRegistry().get("kubetunnel.streams.closed").counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
        assertThat(closedAfter - closedBefore).isEqualTo(CYCLES);
        assertThat(tunnel.server().metrics().activeStreams()).isZero();
        assertThat(tunnel.agent().metrics().activeStreams()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(pool.usedDirectMemory()).isLessThanOrEqualTo(directBaseline + SLACK_BYTES);
            assertThat(pool.usedHeapMemory()).isLessThanOrEqualTo(heapBaseline + SLACK_BYTES);
        });
    }

    private static void awaitIdle() {
        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        tunnel.server().streamCount() == 0 && tunnel.agent().streamCount() == 0 && echo.open() == 0);
    }

    private static void runCycles(int cycles) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < CLIENT_THREADS; t++) {
                int share = cycles / CLIENT_THREADS;
                results.add(clients.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        oneCycle(i);
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(5, TimeUnit.MINUTES);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** Alternates a clean half-close with an abrupt close by the client while the reply may still be on its way. */
    private static void oneCycle(int i) throws IOException {
        try (Socket socket = Socks5Client.connect(tunnel.proxy(), "127.0.0.1", echo.port())) {
            socket.getOutputStream().write(new byte[1 + i % 3000]);
            if (i % 2 == 0) {
                socket.shutdownOutput();
                socket.getInputStream().readAllBytes();
            }
        }
    }
}
