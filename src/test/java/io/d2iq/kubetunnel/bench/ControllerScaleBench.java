package io.d2iq.kubetunnel.bench;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.controller.ControllerApplication;
import io.d2iq.kubetunnel.controller.ControllerOptions;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.reconcile.ComponentStatusClient;
import io.d2iq.kubetunnel.reconcile.ConnectorReconciler;
import io.d2iq.kubetunnel.reconcile.ConnectorStatusWriter;
import io.d2iq.kubetunnel.reconcile.EventRecorder;
import io.d2iq.kubetunnel.reconcile.ServiceAddressResolver;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Scale of the controller: N connectors applied to the embedded API, time until every one has all its
 * children and a status, heap retained, and API requests per connector. Baseline in the same run: the
 * same reconciler called directly, one connector after another, without routes, queue or watches.
 * Run with {@code ./mvnw -Pbench test -Dtest=ControllerScaleBench [-Dbench.connectors=1000]}.
 */
@Tag("bench")
class ControllerScaleBench {

    private static final int CONNECTORS = Integer.getInteger("bench.connectors", 1000);
    private static final String NS = "bench";
    /** SA, Role, RoleBinding, token, manifests, and Deployment, Service, Ingress of two components. */
    private static final int CHILDREN_PER_CONNECTOR = 11;
    private static final ServiceAddressResolver NOWHERE = (namespace, service, port) -> URI.create("http://127.0.0.1:1");

    @Test
    void connectorsUntilEveryOneHasChildrenAndStatus() throws Exception {
        Result baseline = run("baseline: reconciler called in a loop", this::reconcileDirectly);
        Result controller = run("kubetunnel controller: watches, work queue, 4 workers", this::reconcileWithController);
        System.out.printf("%nBENCH controller-scale connectors=%d%n", CONNECTORS);
        for (Result r : new Result[] {baseline, controller}) {
            System.out.printf("BENCH %-55s seconds=%.1f requests/connector=%.1f heapRetainedMiB=%.1f%n",
                    r.label, r.seconds, r.requestsPerConnector, r.heapMiB);
        }
        System.out.printf("BENCH ratio controller/baseline time=%.2f%n", controller.seconds / baseline.seconds);
    }

    private record Result(String label, double seconds, double requestsPerConnector, double heapMiB) {
    }

    @FunctionalInterface
    private interface Workload {
        void reconcileAll(KubernetesClient client) throws Exception;
    }

    private Result run(String label, Workload workload) throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            prepare(client);
            long heapBefore = usedHeapAfterGc();
            int requestsBefore = server.getRequestCount();
            long start = System.nanoTime();
            workload.reconcileAll(client);
            double seconds = (System.nanoTime() - start) / 1e9;
            double requests = (server.getRequestCount() - requestsBefore) / (double) CONNECTORS;
            double heap = (usedHeapAfterGc() - heapBefore) / 1024.0 / 1024.0;
            return new Result(label, seconds, requests, heap);
        } finally {
            server.destroy();
        }
    }

    private void prepare(KubernetesClient client) {
        client.apiextensions().v1().customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelConnector.class).build()).create();
        client.apiextensions().v1().customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelGateway.class).build()).create();
        TunnelGateway gateway = ConnectorFixtures.gateway(NS, "gw", "tunnels.example.com", "/kt", null);
        gateway.getSpec().getIngress().setLoadBalancer(new LoadBalancerIngressBuilder().withHostname("lb.example.com").build());
        client.resource(gateway).create();
        String token = Base64.getEncoder().encodeToString("t0ken".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < CONNECTORS; i++) {
            String name = "c" + i;
            // the token controller's part, done up front so manifests can be built
            client.resource(new SecretBuilder().withNewMetadata().withNamespace(NS).withName(name + "-agent-token").endMetadata()
                    .withType("kubernetes.io/service-account-token").addToData("token", token).build()).create();
            TunnelConnector connector = ConnectorFixtures.connector(NS, name, "gw", 1080);
            connector.getMetadata().setUid(null);
            client.resource(connector).create();
        }
    }

    private void reconcileDirectly(KubernetesClient client) {
        Clock clock = Clock.systemUTC();
        ConnectorReconciler reconciler = new ConnectorReconciler(client, ControllerSettings.defaults(), new ComponentStatusClient(NOWHERE),
                (key, kubeconfig) -> null, new ConnectorStatusWriter(client, new EventRecorder(client, clock), clock));
        for (int i = 0; i < CONNECTORS; i++) {
            reconciler.reconcile(NS, "c" + i);
        }
    }

    private void reconcileWithController(KubernetesClient client) throws Exception {
        ControllerOptions options = new ControllerOptions(Path.of("routes"), ControllerSettings.defaults(), NS, Duration.ofSeconds(60), 4, 0, null, false);
        try (ControllerApplication controller = new ControllerApplication(client, options, NOWHERE, UnaryOperator.identity())) {
            controller.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!allDone(client)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every connector reconciled within 10 minutes");
                }
                Thread.sleep(200);
            }
        }
    }

    private static boolean allDone(KubernetesClient client) {
        long withStatus = client.resources(TunnelConnector.class).inNamespace(NS).list().getItems().stream()
                .filter(c -> c.getStatus() != null && c.getStatus().getState() != null && c.getStatus().getTunnelAgent() != null)
                .count();
        return withStatus == CONNECTORS
                && client.secrets().inNamespace(NS).withLabel("app.kubernetes.io/component", "agent").list().getItems().size() >= 2L * CONNECTORS
                && client.network().v1().ingresses().inNamespace(NS).list().getItems().size() == 2 * CONNECTORS;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
