package io.d2iq.kubetunnel.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

class WorkQueueRouteTest extends CamelTestSupport {

    private final AtomicInteger runs = new AtomicInteger();
    private final CountDownLatch releaseFirstRun = new CountDownLatch(1);
    private final CountDownLatch releaseHeldRuns = new CountDownLatch(1);
    private final AtomicInteger interruptedRuns = new AtomicInteger();
    private final Map<String, AtomicInteger> inFlightPerKey = new ConcurrentHashMap<>();
    private final AtomicInteger inFlightTotal = new AtomicInteger();
    private final AtomicInteger maxInFlightPerKey = new AtomicInteger();
    private final AtomicInteger maxInFlightTotal = new AtomicInteger();
    private final List<Long> runTimes = new CopyOnWriteArrayList<>();
    private final List<String> keysSeen = new CopyOnWriteArrayList<>();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    /**
     * Above the work queue's grace, as in the controller, so Camel does not cut the grace short; Camel itself still
     * waits for an abandoned run up to this timeout before it forces the route down.
     */
    private static final Duration CAMEL_SHUTDOWN_TIMEOUT = WorkQueueConsumer.STOP_GRACE.plusSeconds(2);

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("meters", meters);
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:enqueue").to("workqueue:burst");
                from("workqueue:burst?concurrentConsumers=4")
                        .routeId("burst")
                        .autoStartup(false)
                        .process(exchange -> {
                            keysSeen.add(exchange.getMessage().getHeader(KubetunnelHeaders.KEY, String.class));
                            if (runs.incrementAndGet() == 1) {
                                releaseFirstRun.await(10, TimeUnit.SECONDS);
                            }
                        });

                from("workqueue:many?concurrentConsumers=4")
                        .routeId("many")
                        .autoStartup(false)
                        .process(exchange -> {
                            String key = exchange.getMessage().getBody(String.class);
                            AtomicInteger perKey = inFlightPerKey.computeIfAbsent(key, k -> new AtomicInteger());
                            maxInFlightPerKey.accumulateAndGet(perKey.incrementAndGet(), Math::max);
                            maxInFlightTotal.accumulateAndGet(inFlightTotal.incrementAndGet(), Math::max);
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // stands in for reconcile work
                            // until runs have overlapped once, each waits (bounded) for another: on a loaded machine
                            // 2 ms runs may never happen to meet, and serial consumers would still fail the test
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                            while (maxInFlightTotal.get() < 2 && System.nanoTime() < deadline) {
                                maxInFlightTotal.accumulateAndGet(inFlightTotal.get(), Math::max);
                                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                            }
                            inFlightTotal.decrementAndGet();
                            perKey.decrementAndGet();
                            runs.incrementAndGet();
                        });

                from("workqueue:failing?initialBackoff=200&maxBackoff=800")
                        .routeId("failing")
                        .autoStartup(false)
                        .process(exchange -> {
                            runTimes.add(System.nanoTime());
                            if (runs.incrementAndGet() <= 5) {
                                throw new IllegalStateException("not yet (test)");
                            }
                        });

                from("workqueue:polling").routeId("polling").autoStartup(false).process(exchange -> {
                    runTimes.add(System.nanoTime());
                    if (runs.incrementAndGet() < 3) {
                        exchange.getMessage().setBody((Requeue) () -> Duration.ofMillis(300));
                    }
                });

                from("workqueue:norequeue")
                        .routeId("norequeue")
                        .autoStartup(false)
                        .process(exchange -> {
                            String key = exchange.getMessage().getBody(String.class);
                            keysSeen.add(key);
                            // a zero or null delay, or a body that is no Requeue at all, asks for no second run
                            exchange.getMessage()
                                    .setBody(
                                            switch (key) {
                                                case "ns/zero" -> (Requeue) () -> Duration.ZERO;
                                                case "ns/null" -> (Requeue) () -> null;
                                                default -> key;
                                            });
                        });

                from("workqueue:stopping?concurrentConsumers=3")
                        .routeId("stopping")
                        .autoStartup(false)
                        .process(exchange -> runs.incrementAndGet());

                // a run holds until the test releases it, like a reconcile waiting for the API server
                from("workqueue:held?concurrentConsumers=2")
                        .routeId("held")
                        .autoStartup(false)
                        .process(exchange -> {
                            keysSeen.add(exchange.getMessage().getBody(String.class));
                            boolean released = releaseHeldRuns.await(60, TimeUnit.SECONDS);
                            interruptedRuns.addAndGet(
                                    released && !Thread.currentThread().isInterrupted() ? 0 : 1);
                            runs.incrementAndGet();
                        });
            }
        };
    }

    @Test
    void aHundredEnqueuesOfOneKeyWhileItRunsCoalesceIntoOneMoreRun() throws Exception {
        context.getRouteController().startRoute("burst");
        template.sendBody("workqueue:burst", "ns/a");
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);

        for (int i = 0; i < 100; i++) {
            template.sendBody("direct:enqueue", "ns/a");
        }
        releaseFirstRun.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 2);
        assertThat(keysSeen).containsExactly("ns/a", "ns/a");
    }

    @Test
    void aHundredEnqueuesOfOneKeyBeforeTheConsumerStartsRunOnce() throws Exception {
        releaseFirstRun.countDown();
        for (int i = 0; i < 100; i++) {
            template.sendBody("workqueue:burst", "ns/a");
        }
        context.getRouteController().startRoute("burst");

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
    }

    @Test
    void oneKeyNeverRunsOnTwoConsumersAtOnceWhileDifferentKeysDo() throws Exception {
        context.getRouteController().startRoute("many");
        Thread[] producers = new Thread[4];
        for (int p = 0; p < producers.length; p++) {
            producers[p] = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    template.sendBody("workqueue:many", "ns/key-" + (i % 8));
                }
            });
            producers[p].start();
        }
        for (Thread producer : producers) {
            producer.join(TimeUnit.SECONDS.toMillis(30));
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> context.getEndpoint("workqueue:many", WorkQueueEndpoint.class)
                                        .getQueue()
                                        .depth()
                                == 0
                        && inFlightTotal.get() == 0);
        assertThat(maxInFlightPerKey.get()).as("runs of one key at once").isEqualTo(1);
        assertThat(maxInFlightTotal.get())
                .as("the four consumers did run different keys in parallel")
                .isGreaterThan(1);
        assertThat(runs.get()).as("2000 enqueues coalesced").isBetween(8, 1999);
    }

    @Test
    void aFailingKeyIsRetriedWithGrowingCappedDelaysUntilItSucceeds() throws Exception {
        context.getRouteController().startRoute("failing");
        template.sendBody("workqueue:failing", "ns/broken");

        await().atMost(Duration.ofSeconds(15)).until(() -> runs.get() == 6);
        await().during(Duration.ofMillis(1_000)).atMost(Duration.ofSeconds(3)).until(() -> runs.get() == 6);
        List<Long> gaps = gapsMillis();
        // 200, 400, 800, 800 (capped), 800. Never sooner than the backoff; the upper bounds leave a loaded
        // machine a second of scheduling delay and still tell a capped delay (800) from an uncapped one (1,600, 3,200).
        assertThat(gaps.get(0)).isBetween(200L, 1_200L);
        assertThat(gaps.get(1)).isBetween(400L, 1_400L);
        assertThat(gaps.get(2)).isBetween(800L, 1_590L);
        assertThat(gaps.get(3)).isBetween(800L, 1_590L);
        assertThat(gaps.get(4)).isBetween(800L, 3_190L);
        assertThat(meters.get("kubetunnel.workqueue.retries")
                        .tag("queue", "failing")
                        .counter()
                        .count())
                .isEqualTo(5.0);
    }

    @Test
    void aSuccessResetsTheBackoffOfItsKey() throws Exception {
        context.getRouteController().startRoute("failing");
        template.sendBody("workqueue:failing", "ns/broken");
        await().atMost(Duration.ofSeconds(15)).until(() -> runs.get() == 6);

        runs.set(4); // the next run fails once more, then succeeds
        runTimes.clear();
        template.sendBody("workqueue:failing", "ns/broken");

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 6);
        assertThat(gapsMillis().get(0))
                .as("first retry after a success waits the initial delay again")
                .isBetween(200L, 790L);
    }

    @Test
    void aRequeueResultRunsTheKeyAgainAfterThatDelay() throws Exception {
        context.getRouteController().startRoute("polling");
        template.sendBody("workqueue:polling", "ns/waiting");

        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 3);
        assertThat(gapsMillis()).allSatisfy(gap -> assertThat(gap).isBetween(300L, 2_000L));
    }

    @Test
    void aZeroOrNullDelayOrAnotherBodyMeansNoRequeue() throws Exception {
        context.getRouteController().startRoute("norequeue");
        for (String key : new String[] {"ns/zero", "ns/null", "ns/plain"}) {
            template.sendBody("workqueue:norequeue", key);
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> keysSeen.size() == 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> keysSeen.size() == 3);
        assertThat(keysSeen).containsExactlyInAnyOrder("ns/zero", "ns/null", "ns/plain");
        assertThat(meters.get("kubetunnel.workqueue.retries")
                        .tag("queue", "norequeue")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void stoppingTheRouteStopsItsThreadsAndKeepsQueuedKeysForTheNextStart() throws Exception {
        context.getRouteController().startRoute("stopping");
        template.sendBody("workqueue:stopping", "ns/a");
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
        assertThat(workerThreads("workqueue-stopping")).isEqualTo(3);

        context.getRouteController().stopRoute("stopping");

        await().atMost(Duration.ofSeconds(5)).until(() -> workerThreads("workqueue-stopping") == 0);
        template.sendBody("workqueue:stopping", "ns/b");
        assertThat(meters.get("kubetunnel.workqueue.depth")
                        .tag("queue", "stopping")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);

        context.getRouteController().startRoute("stopping");
        await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 2);
    }

    @Test
    void stoppingTakesNoNewKeyAndLetsTheRunsInFlightFinish() throws Exception {
        context.getRouteController().startRoute("held");
        for (String key : new String[] {"ns/a", "ns/b", "ns/c", "ns/d"}) {
            template.sendBody("workqueue:held", key);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> keysSeen.size() == 2);

        CapturedLog log = CapturedLog.attach();
        CompletableFuture<Void> stopped;
        try {
            stopped = CompletableFuture.runAsync(this::stopHeldRoute);
            // the runs are released only once the stop has begun, so a key taken after it would show
            await().atMost(Duration.ofSeconds(10)).until(() -> log.count("workqueue held stopping:") == 1);
            assertThat(stopped).isNotDone();
        } finally {
            log.detach();
        }
        releaseHeldRuns.countDown();
        stopped.get(10, TimeUnit.SECONDS);

        assertThat(runs.get()).as("both runs in flight finished").isEqualTo(2);
        assertThat(interruptedRuns.get()).isZero();
        assertThat(keysSeen).as("no key taken after the stop began").hasSize(2);
        assertThat(meters.get("kubetunnel.workqueue.depth")
                        .tag("queue", "held")
                        .gauge()
                        .value())
                .as("the rest stay queued")
                .isEqualTo(2.0);
    }

    @Test
    void aRunThatOutlastsTheStopGraceIsAbandonedWithOneWarningAndNotInterrupted() throws Exception {
        CapturedLog log = CapturedLog.attach();
        try {
            context.getRouteController().startRoute("held");
            template.sendBody("workqueue:held", "ns/slow");
            await().atMost(Duration.ofSeconds(5)).until(() -> keysSeen.size() == 1);

            long start = System.nanoTime();
            stopHeldRoute();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isBetween(WorkQueueConsumer.STOP_GRACE, CAMEL_SHUTDOWN_TIMEOUT.plusSeconds(10));
            assertThat(log.lines())
                    .filteredOn(line -> line.contains("abandoned"))
                    .containsExactly(
                            "WARN workqueue held stopped with 1 runs still in flight after 15 s, abandoned: [ns/slow]");
            assertThat(log.lines()).noneMatch(line -> line.startsWith("ERROR"));
            releaseHeldRuns.countDown();
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
            assertThat(interruptedRuns.get()).isZero();
        } finally {
            log.detach();
        }
    }

    private void stopHeldRoute() {
        try {
            context.getShutdownStrategy().setTimeout(CAMEL_SHUTDOWN_TIMEOUT.toSeconds());
            context.getRouteController().stopRoute("held");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anEmptyKeyIsRejectedWithAClearError() {
        assertThatThrownBy(() -> template.sendBody("workqueue:burst", " "))
                .isInstanceOf(CamelExecutionException.class)
                .hasRootCauseMessage("workqueue: the body must be a non-empty key such as namespace/name");
    }

    private List<Long> gapsMillis() {
        List<Long> times = List.copyOf(runTimes);
        return IntStream.range(1, times.size())
                .mapToObj(i -> TimeUnit.NANOSECONDS.toMillis(times.get(i) - times.get(i - 1)))
                .toList();
    }

    private static long workerThreads(String nameFragment) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().contains(nameFragment))
                .count();
    }
}
