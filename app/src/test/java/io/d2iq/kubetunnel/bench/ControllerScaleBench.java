package io.d2iq.kubetunnel.bench;

import io.d2iq.kubetunnel.Main;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.controller.ControllerApplication;
import io.d2iq.kubetunnel.controller.ControllerOptions;
import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.real.ControlPlaneBinaries;
import io.d2iq.kubetunnel.reconcile.ComponentStatusClient;
import io.d2iq.kubetunnel.reconcile.ConnectorReconciler;
import io.d2iq.kubetunnel.reconcile.ConnectorStatusWriter;
import io.d2iq.kubetunnel.reconcile.EventRecorder;
import io.d2iq.kubetunnel.reconcile.ObjectCache;
import io.d2iq.kubetunnel.reconcile.ServiceAddressResolver;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scale of the controller: N connectors applied to an API server in processes of their own (so this JVM's heap
 * is the controller's), time until every one has all its children and a status, this JVM's heap (retained after
 * GC at the end, and the most used at any time), API requests per connector as the controller's client sent them,
 * and the CPU the API server's own processes used meanwhile. Baseline in the same run, on a fresh API: the same
 * reconciler called directly, one connector after another, without routes, queue or watches.
 * {@code -Dbench.api=embedded} (the default) runs them on the embedded API (the {@code local-api} role),
 * {@code -Dbench.api=real} on the real control plane of the real tier (etcd, kube-apiserver,
 * kube-controller-manager, see {@link ControlPlane}).
 * Run with {@code ./mvnw -Pbench test -Dtest=ControllerScaleBench [-Dbench.connectors=1000] [-Dbench.api=real]}.
 */
@Tag("bench")
class ControllerScaleBench {

    private static final int CONNECTORS = Integer.getInteger("bench.connectors", 1000);
    private static final int WORKERS = Integer.getInteger("bench.workers", 4);
    private static final String API = System.getProperty("bench.api", "embedded");
    /** {@code -Dbench.baseline=false} skips the baseline (sequential, it is the slow half on the real tier). */
    private static final boolean BASELINE = Boolean.parseBoolean(System.getProperty("bench.baseline", "true"));

    private static final String NS = "bench";
    private static final ServiceAddressResolver NOWHERE =
            (namespace, service, port) -> URI.create("http://127.0.0.1:1");

    @Test
    void connectorsUntilEveryOneHasChildrenAndStatus() throws Exception {
        Result baseline = BASELINE ? run("baseline: reconciler called in a loop", this::reconcileDirectly) : null;
        Result controller = run(
                "kubetunnel controller: watches, work queue, " + WORKERS + " workers", this::reconcileWithController);
        System.out.printf(
                "%nBENCH controller-scale api=%s connectors=%d cpus=%d maxHeapMiB=%d loadAverage=%.2f%n",
                API,
                CONNECTORS,
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (Result r : baseline == null ? new Result[] {controller} : new Result[] {baseline, controller}) {
            System.out.printf(
                    "BENCH %-50s seconds=%.1f requests/connector=%.1f (reads %.1f, writes %.1f)"
                            + " heapRetainedMiB=%.1f heapMaxUsedMiB=%.1f apiServerCpuSeconds=%.1f%s loadAverage=%.2f%n",
                    r.label,
                    r.seconds,
                    r.reads + r.writes,
                    r.reads,
                    r.writes,
                    r.heapRetainedMiB,
                    r.heapMaxUsedMiB,
                    r.apiServerCpuSeconds,
                    r.etcdCpuSeconds < 0 ? "" : String.format(" etcdCpuSeconds=%.1f", r.etcdCpuSeconds),
                    r.loadAverage);
        }
        if (baseline != null) {
            System.out.printf("BENCH ratio controller/baseline time=%.2f%n", controller.seconds / baseline.seconds);
        }
    }

    private record Result(
            String label,
            double seconds,
            double reads,
            double writes,
            double heapRetainedMiB,
            double heapMaxUsedMiB,
            double apiServerCpuSeconds,
            double etcdCpuSeconds,
            double loadAverage) {}

    @FunctionalInterface
    private interface Workload {
        /**
         * Reconciles every connector with {@code client} and calls {@code done} once all are, while everything it
         * holds is still alive; {@code observer} is the bench's own client, not counted.
         */
        void reconcileAll(KubernetesClient client, KubernetesClient observer, Runnable done) throws Exception;
    }

    private Result run(String label, Workload workload) throws Exception {
        RequestCounter requests = new RequestCounter();
        HeapSampler heap = new HeapSampler();
        try (ApiUnderTest api = API.equals("real") ? RealApi.start() : EmbeddedApi.start()) {
            Config config = Config.fromKubeconfig(api.kubeconfig());
            try (KubernetesClient observer =
                            new KubernetesClientBuilder().withConfig(config).build();
                    KubernetesClient counted = new KubernetesClientBuilder()
                            .withConfig(config)
                            .withHttpClientBuilderConsumer(
                                    builder -> builder.addOrReplaceInterceptor("count", requests))
                            .build()) {
                prepare(observer);
                heap.start();
                long start = System.nanoTime();
                double apiCpuBefore = cpuSeconds(api.server());
                double etcdCpuBefore = api.etcd() == null ? 0 : cpuSeconds(api.etcd());
                double[] measured = new double[4];
                long[] readsAndWrites = new long[2];
                workload.reconcileAll(counted, observer, () -> {
                    measured[0] = (System.nanoTime() - start) / 1e9;
                    measured[2] = cpuSeconds(api.server()) - apiCpuBefore;
                    measured[3] = api.etcd() == null ? -1 : cpuSeconds(api.etcd()) - etcdCpuBefore;
                    readsAndWrites[0] = requests.reads.get();
                    readsAndWrites[1] = requests.writes.get();
                    measured[1] = usedHeapAfterGc() / 1024.0 / 1024.0;
                });
                return new Result(
                        label,
                        measured[0],
                        readsAndWrites[0] / (double) CONNECTORS,
                        readsAndWrites[1] / (double) CONNECTORS,
                        measured[1],
                        heap.stop() / 1024.0 / 1024.0,
                        measured[2],
                        measured[3],
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            }
        } finally {
            heap.stop();
        }
    }

    /** A fresh API server for one run: the kubeconfig of its admin, and its processes, whose CPU is counted. */
    private interface ApiUnderTest extends AutoCloseable {
        String kubeconfig();

        /** The API server's process. */
        long server();

        /** etcd's process, or null where the API keeps its objects in its own memory. */
        Long etcd();

        @Override
        void close() throws Exception;
    }

    /** The {@code local-api} role in a JVM of its own. */
    private record EmbeddedApi(Process process, String kubeconfig) implements ApiUnderTest {

        static EmbeddedApi start() throws Exception {
            Path dir = Files.createTempDirectory("bench-api");
            Path kubeconfig = dir.resolve("kubeconfig");
            Path out = dir.resolve("out");
            Process api = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            Main.class.getName(),
                            "local-api",
                            "--port",
                            "0",
                            "--kubeconfig-out",
                            kubeconfig.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            try {
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (!Files.readString(out).contains("listening on")) {
                    if (System.nanoTime() > deadline || !api.isAlive()) {
                        throw new IllegalStateException("local-api did not start: " + Files.readString(out));
                    }
                    Thread.sleep(100);
                }
                return new EmbeddedApi(api, Files.readString(kubeconfig));
            } catch (Exception | Error e) {
                api.destroyForcibly();
                throw e;
            }
        }

        @Override
        public long server() {
            return process.pid();
        }

        @Override
        public Long etcd() {
            return null;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    /** etcd, kube-apiserver and kube-controller-manager of the real tier, under target/control-plane/. */
    private record RealApi(ControlPlane plane, long server, Long etcd) implements ApiUnderTest {

        static RealApi start() throws Exception {
            Path dir = Files.createTempDirectory(
                    Files.createDirectories(Path.of("target", "control-plane")), "ControllerScaleBench-");
            ControlPlane plane = ControlPlaneBinaries.start("bench", dir);
            try {
                return new RealApi(plane, child("kube-apiserver"), child("etcd"));
            } catch (RuntimeException e) {
                plane.close();
                throw e;
            }
        }

        private static long child(String binary) {
            return ProcessHandle.current()
                    .descendants()
                    .filter(p -> p.info()
                            .command()
                            .map(command -> command.endsWith("/" + binary))
                            .orElse(false))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no " + binary + " process"))
                    .pid();
        }

        @Override
        public String kubeconfig() {
            try {
                return Files.readString(plane.adminKubeconfig());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            plane.close();
        }
    }

    /** utime + stime of a process, from /proc (clock ticks of 1/100 s on Linux). */
    private static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name before ")" may hold spaces; fields after it start at field 3 (state)
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void prepare(KubernetesClient client) throws Exception {
        for (String crd : new String[] {"tunnelconnectors", "tunnelgateways"}) {
            client.load(Files.newInputStream(Path.of("deploy/crds/" + crd + ".kubetunnel.d2iq.io-v1.yml")))
                    .create();
        }
        if (client.namespaces().withName(NS).get() == null) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(NS)
                            .endMetadata()
                            .build())
                    .create();
        }
        // a real API server serves a new CRD's resources only once it is Established
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try {
                client.resources(TunnelGateway.class).inNamespace(NS).list();
                client.resources(TunnelConnector.class).inNamespace(NS).list();
                break;
            } catch (KubernetesClientException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        TunnelGateway gateway = ConnectorFixtures.gateway(NS, "gw", "tunnels.example.com", "/kt", null);
        gateway.getSpec()
                .getIngress()
                .setLoadBalancer(new LoadBalancerIngressBuilder()
                        .withHostname("lb.example.com")
                        .build());
        client.resource(gateway).create();
        for (int i = 0; i < CONNECTORS; i++) {
            String name = "c" + i;
            TunnelConnector connector = ConnectorFixtures.connector(NS, name, "gw", 1080);
            connector.getMetadata().setUid(null);
            client.resource(connector).create();
        }
    }

    private void reconcileDirectly(KubernetesClient client, KubernetesClient observer, Runnable done) {
        Clock clock = Clock.systemUTC();
        ConnectorReconciler reconciler = new ConnectorReconciler(
                client,
                ObjectCache.NONE,
                ControllerSettings.defaults(),
                new ComponentStatusClient(NOWHERE),
                (key, kubeconfig) -> null,
                new ConnectorStatusWriter(client, new EventRecorder(client, clock), clock));
        for (int i = 0; i < CONNECTORS; i++) {
            reconciler.reconcile(NS, "c" + i);
        }
        done.run();
        if (!allDone(observer)) {
            throw new IllegalStateException("the baseline left connectors without children or status");
        }
    }

    private void reconcileWithController(KubernetesClient client, KubernetesClient observer, Runnable done)
            throws Exception {
        ControllerOptions options = new ControllerOptions(
                Path.of("routes"), ControllerSettings.defaults(), NS, Duration.ofSeconds(60), WORKERS, 0, null, false);
        try (ControllerApplication controller = new ControllerApplication(client, options, NOWHERE)) {
            controller.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (!allDone(observer)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every connector reconciled within 15 minutes");
                }
                Thread.sleep(500);
            }
            done.run();
        }
    }

    /** Every connector has a state and its manifests ref, and every one of the 14 children per connector exists. */
    private static boolean allDone(KubernetesClient client) {
        long withStatus = client.resources(TunnelConnector.class).inNamespace(NS).list().getItems().stream()
                .filter(c -> c.getStatus() != null
                        && c.getStatus().getState() != null
                        && c.getStatus().getTunnelAgent() != null)
                .count();
        if (withStatus < CONNECTORS) {
            return false;
        }
        String label = ConnectorResources.CONNECTOR_LABEL;
        return client.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems()
                                .size()
                        == 2 * CONNECTORS
                && client.services()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems()
                                .size()
                        == 2 * CONNECTORS
                && client.network()
                                .v1()
                                .ingresses()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems()
                                .size()
                        == 2 * CONNECTORS
                && client.network()
                                .v1()
                                .networkPolicies()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems()
                                .size()
                        == 2 * CONNECTORS
                && client.secrets()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems()
                                .size()
                        == 3 * CONNECTORS
                && client.serviceAccounts()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems()
                                .size()
                        == CONNECTORS
                && client.rbac()
                                .roles()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems()
                                .size()
                        == CONNECTORS
                && client.rbac()
                                .roleBindings()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems()
                                .size()
                        == CONNECTORS;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Counts the requests a client sends: GETs (lists, watches, reads) apart from writes. */
    private static final class RequestCounter implements Interceptor {

        final AtomicLong reads = new AtomicLong();
        final AtomicLong writes = new AtomicLong();

        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            (request.method().equals("GET") ? reads : writes).incrementAndGet();
        }
    }

    /** The most heap in use at any 50 ms sample. */
    private static final class HeapSampler {

        private final AtomicLong maxUsed = new AtomicLong();
        private ScheduledExecutorService sampler;

        void start() {
            sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "heap-sampler");
                thread.setDaemon(true);
                return thread;
            });
            sampler.scheduleAtFixedRate(
                    () -> maxUsed.accumulateAndGet(
                            ManagementFactory.getMemoryMXBean()
                                    .getHeapMemoryUsage()
                                    .getUsed(),
                            Math::max),
                    0,
                    50,
                    TimeUnit.MILLISECONDS);
        }

        long stop() {
            if (sampler != null) {
                sampler.shutdownNow();
            }
            return maxUsed.get();
        }
    }
}
