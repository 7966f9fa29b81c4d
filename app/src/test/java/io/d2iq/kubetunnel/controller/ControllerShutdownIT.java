package io.d2iq.kubetunnel.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.Main;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code controller} role as a process, stopped with SIGTERM while it works through a long queue of connectors
 * (as on a rolling update): it takes no new key, lets the reconciles in flight finish, and exits without an error.
 */
class ControllerShutdownIT {

    private static final String NS = "default";
    private static final int CONNECTORS = 300;
    private static final int WORKERS = 4;
    /** The work queue's stop grace (15 s) plus JVM and Camel shutdown, on a loaded machine; Kubernetes allows 30 s. */
    private static final Duration STOP_BOUND = Duration.ofSeconds(25);

    private static final String RECONCILED = "reconciled connector=" + NS + "/";

    @TempDir
    Path dir;

    private LocalApi api;
    private KubernetesClient client;
    private Process controller;
    private Path log;

    @BeforeEach
    void startApiWithManyConnectors() throws IOException {
        api = LocalApi.start(0, false, dir.resolve("kubeconfig"));
        client = api.newClient();
        for (String crd : new String[] {"tunnelconnectors", "tunnelgateways"}) {
            client.load(Files.newInputStream(Path.of("deploy/crds/" + crd + ".kubetunnel.d2iq.io-v1.yml")))
                    .create();
        }
        client.resource(ConnectorFixtures.gatewayWithoutIngress(NS, "gw")).create();
        for (int i = 0; i < CONNECTORS; i++) {
            TunnelConnector connector = ConnectorFixtures.connector(NS, "c" + i, "gw", 1080);
            connector.getMetadata().setUid(null);
            client.resource(connector).create();
        }
    }

    @AfterEach
    void stop() throws InterruptedException, IOException {
        if (controller != null) {
            controller.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            System.err.println(
                    Files.readString(log)); // the controller's log in the test's report, to read when it fails
        }
        client.close();
        api.close();
    }

    @Test
    void sigtermMidWorkLetsTheReconcilesInFlightFinishTakesNoNewKeyAndLogsNoError() throws Exception {
        controller = startController(List.of("--no-leader-election"), "controller-0");
        await().atMost(Duration.ofMinutes(2)).until(() -> count(RECONCILED) >= 20);

        long start = System.nanoTime();
        controller.destroy(); // SIGTERM
        boolean exited = controller.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(exited).as("stopped within %s (took %s)", STOP_BOUND, took).isTrue();
        assertThat(controller.exitValue()).as("exit code").isZero();
        List<String> lines = lines();
        assertThat(lines)
                .as("no error, no stack trace")
                .noneMatch(line ->
                        line.contains("level=ERROR") || line.startsWith("\tat ") || line.startsWith("Caused by"));
        // no new key once the work queue stops (after the watches): each worker finishes at most the run it had
        // (the old stop drained the whole queue)
        int queueStopped = indexOf(lines, "workqueue connectors stopping:");
        assertThat(lines.subList(queueStopped, lines.size()))
                .filteredOn(line -> line.contains(RECONCILED))
                .hasSizeLessThanOrEqualTo(WORKERS);
        assertThat(connectorsWithStatus()).hasSizeLessThan(CONNECTORS);
        // every reconcile that began (it wrote a child) either completed (status written last) or was reported
        // abandoned
        Set<String> abandoned = lines.stream()
                .filter(line -> line.contains("abandoned:"))
                .map(line -> line.substring(line.indexOf("abandoned:")))
                .flatMap(keys -> Set.of(keys.replaceAll("[\\[\\],]", " ").split("\\s+")).stream())
                .collect(Collectors.toSet());
        Set<String> withStatus = connectorsWithStatus();
        for (String name : connectorsWithAChild()) {
            assertThat(withStatus.contains(name) || abandoned.contains(NS + "/" + name))
                    .as(
                            "connector %s has children, so its reconcile began: it completed or is reported abandoned",
                            name)
                    .isTrue();
        }
    }

    @Test
    void aControllerStartedOutsideAClusterWithOnlyAKubeconfigLeadsReconcilesAndReleasesItsLeaseOnSigterm()
            throws Exception {
        // no pod exists and no Lease flag is given: the Lease goes to the kubeconfig's namespace (default)
        controller = startController(List.of(), "laptop");
        await().atMost(Duration.ofMinutes(2)).until(() -> count(RECONCILED) >= 1);
        assertThat(leaseHolder()).startsWith("laptop_");
        assertThat(lines())
                .anyMatch(line -> line.contains("leader election: leading, Lease default/kubetunnel-controller"));

        controller.destroy(); // SIGTERM
        assertThat(controller.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(controller.exitValue()).isZero();
        assertThat(leaseHolder())
                .as("the next replica can take over at once instead of waiting for the Lease to expire")
                .isEmpty();
        assertThat(lines())
                .noneMatch(line -> line.contains("level=ERROR") || line.startsWith("\tat "))
                .anyMatch(line -> line.contains("released Lease default/kubetunnel-controller"));
    }

    private Process startController(List<String> extraFlags, String podName) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "controller",
                "--kubeconfig",
                api.kubeconfigFile().toString(),
                "--routes",
                "routes",
                "--namespace",
                NS,
                "--workers",
                Integer.toString(WORKERS),
                "--management-port",
                "0"));
        command.addAll(extraFlags);
        // a file, not a pipe: the JDK may close a pipe under its reader when the process exits, losing the last lines
        log = dir.resolve(podName + ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile());
        builder.environment().put("HOSTNAME", podName);
        return builder.start();
    }

    private List<String> lines() throws IOException {
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        throw new AssertionError("no log line with '" + fragment + "'");
    }

    private long count(String fragment) throws IOException {
        return lines().stream().filter(line -> line.contains(fragment)).count();
    }

    private String leaseHolder() {
        return client.leases()
                .inNamespace(NS)
                .withName("kubetunnel-controller")
                .get()
                .getSpec()
                .getHolderIdentity();
    }

    private Set<String> connectorsWithStatus() {
        return client.resources(TunnelConnector.class).inNamespace(NS).list().getItems().stream()
                .filter(c -> c.getStatus() != null && c.getStatus().getState() != null)
                .map(c -> c.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    /** Connectors that own any labelled child: their reconcile began writing. */
    private Set<String> connectorsWithAChild() {
        String label = ConnectorResources.CONNECTOR_LABEL;
        return Stream.of(
                        client.serviceAccounts()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        client.rbac()
                                .roles()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        client.rbac()
                                .roleBindings()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        client.secrets().inNamespace(NS).withLabel(label).list().getItems(),
                        client.services()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        client.apps()
                                .deployments()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems(),
                        client.network()
                                .v1()
                                .ingresses()
                                .inNamespace(NS)
                                .withLabel(label)
                                .list()
                                .getItems())
                .flatMap(List::stream)
                .map(child -> ((HasMetadata) child).getMetadata().getLabels().get(label))
                .collect(Collectors.toSet());
    }
}
