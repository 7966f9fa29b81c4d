package io.d2iq.kubetunnel.local.runner;

import static io.d2iq.kubetunnel.local.runner.TestWorkloads.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import io.d2iq.kubetunnel.real.ControlPlaneBinaries;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner as the kubelet of a real kube-apiserver and kube-controller-manager: kcm's ReplicaSet and Job
 * controllers create the Pods, the runner binds and runs them and reports their status, and kcm alone writes the
 * Deployment's and the Job's status from it.
 */
class LocalRunnerKubeletIT {

    @TempDir
    static Path dir;

    private static ControlPlane cluster;
    private static KubernetesClient client;
    private static LocalRunner runner;

    @BeforeAll
    static void start() throws IOException {
        cluster = ControlPlaneBinaries.start("kubelet", dir.resolve("cluster"));
        client = cluster.adminClient();
        runner = LocalRunner.startKubelet(
                client,
                TestWorkloads.options().withWorkDir(dir.resolve("runner")).withApiCa(cluster.caPem()));
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aDeploymentsPodIsBoundRunWithItsProjectedServiceAccountAndReportedReadySoKcmMakesTheDeploymentAvailable()
            throws Exception {
        String ns = namespace("web");
        secret(ns, "creds");
        // the Pod's own ServiceAccount token (TokenRequest, bound to the Pod) goes through the real RBAC authorizer
        client.rbac()
                .roles()
                .inNamespace(ns)
                .resource(new RoleBuilder()
                        .withNewMetadata()
                        .withName("secret-reader")
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("")
                        .withResources("secrets")
                        .withVerbs("list")
                        .endRule()
                        .build())
                .create();
        client.rbac()
                .roleBindings()
                .inNamespace(ns)
                .resource(new RoleBindingBuilder()
                        .withNewMetadata()
                        .withName("secret-reader")
                        .endMetadata()
                        .withNewRoleRef()
                        .withApiGroup("rbac.authorization.k8s.io")
                        .withKind("Role")
                        .withName("secret-reader")
                        .endRoleRef()
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName("default")
                        .withNamespace(ns)
                        .endSubject()
                        .build())
                .create();
        client.services().resource(TestWorkloads.service(ns, "web")).create();
        client.apps()
                .deployments()
                .resource(TestWorkloads.server(ns, "web", "creds"))
                .create();

        eventually().untilAsserted(() -> {
            Deployment deployment =
                    client.apps().deployments().inNamespace(ns).withName("web").get();
            assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(1);
            assertThat(deployment.getStatus().getReadyReplicas()).isEqualTo(1);
        });
        Pod pod = onlyPod(ns, "web");
        assertThat(pod.getSpec().getNodeName()).isEqualTo(LocalRunner.NODE_NAME);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        assertThat(pod.getStatus().getPodIP()).isEqualTo("127.0.0.1");
        assertThat(pod.getStatus().getContainerStatuses()).singleElement().satisfies(status -> {
            assertThat(status.getReady()).isTrue();
            assertThat(status.getStarted()).isTrue();
            assertThat(status.getRestartCount()).isZero();
            assertThat(status.getState().getRunning()).isNotNull();
        });
        Node node = client.nodes().withName(LocalRunner.NODE_NAME).get();
        assertThat(node.getStatus().getConditions()).anySatisfy(condition -> {
            assertThat(condition.getType()).isEqualTo("Ready");
            assertThat(condition.getStatus()).isEqualTo("True");
        });

        int port = runner.serviceMap().resolve(ns, "web", 80).orElseThrow().getPort();
        assertThat(get(port, "/env?FOO")).isEqualTo("bar");
        assertThat(get(port, "/env?KUBERNETES_SERVICE_HOST")).isEqualTo("127.0.0.1");
        assertThat(get(port, "/env?KUBERNETES_SERVICE_PORT"))
                .isEqualTo(Integer.toString(cluster.server().getPort()));
        String args = get(port, "/args");
        assertThat(get(port, "/file?" + args.substring(args.lastIndexOf(' ') + 1)))
                .isEqualTo("from-data");
        assertThat(get(port, "/kube", Duration.ofSeconds(30))).isEqualTo(cluster.server() + "/ " + ns + " 1");
        assertThat(Files.readString(runner.logFile(ns, "Pod", pod.getMetadata().getName())))
                .contains("test-server listening on " + port);
        // the API server's own Service has no selector: nothing backs it here, nothing fails on it
        assertThat(runner.serviceMap().resolve("default", "kubernetes", 443)).isEmpty();
    }

    @Test
    void aDeletedPodIsStoppedDeletedAndItsReplacementKeepsTheServicesLoopbackPort() throws Exception {
        String ns = namespace("replaced");
        secret(ns, "creds");
        client.services().resource(TestWorkloads.service(ns, "web")).create();
        client.apps()
                .deployments()
                .resource(TestWorkloads.server(ns, "web", "creds"))
                .create();
        eventually().until(() -> readyReplicas(ns, "web") == 1);
        InetSocketAddress before = runner.serviceMap().resolve(ns, "web", 80).orElseThrow();
        Pod first = onlyPod(ns, "web");
        long firstPid = Long.parseLong(get(before.getPort(), "/pid"));

        client.pods().resource(first).delete();

        eventually().untilAsserted(() -> {
            assertThat(ProcessHandle.of(firstPid).map(ProcessHandle::isAlive).orElse(false))
                    .isFalse();
            assertThat(client.pods()
                            .inNamespace(ns)
                            .withName(first.getMetadata().getName())
                            .get())
                    .isNull();
            Pod second = onlyPod(ns, "web");
            assertThat(second.getMetadata().getUid())
                    .isNotEqualTo(first.getMetadata().getUid());
            assertThat(readyReplicas(ns, "web")).isEqualTo(1);
        });
        assertThat(runner.serviceMap().resolve(ns, "web", 80)).contains(before);
        assertThat(Long.parseLong(get(before.getPort(), "/pid"))).isNotEqualTo(firstPid);

        client.apps().deployments().inNamespace(ns).withName("web").scale(0);
        eventually()
                .until(() -> !runner.runsDeployment(ns, "web")
                        && client.pods().inNamespace(ns).list().getItems().isEmpty());
    }

    @Test
    void theApiServersPortForwardReachesARunningPodsPortThroughTheNodesKubeletEndpointAndRefusesWhatItDoesNotRun()
            throws Exception {
        String ns = namespace("forward");
        Pod pod = readyWebPod(ns);
        Node node = client.nodes().withName(LocalRunner.NODE_NAME).get();
        assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort())
                .isPositive();

        // kube-apiserver dials the Node's InternalIP and kubelet port, as for any node
        try (LocalPortForward forward = client.pods()
                .inNamespace(ns)
                .withName(pod.getMetadata().getName())
                .portForward(TestWorkloads.CONTAINER_PORT)) {
            // two connections, one after the other, each ended by the Pod's side (Connection: close)
            for (int connection = 0; connection < 2; connection++) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), forward.getLocalPort())) {
                    socket.setSoTimeout(30_000);
                    socket.getOutputStream()
                            .write("GET /env?FOO HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .startsWith("HTTP/1.1 200")
                            .endsWith("\r\n\r\nbar");
                }
            }
            assertThat(forward.errorOccurred()).isFalse();
        }

        // a port the Pod does not declare: the kubelet's 404 comes back through the API server as a failed upgrade
        try (LocalPortForward refused = client.pods()
                .inNamespace(ns)
                .withName(pod.getMetadata().getName())
                .portForward(TestWorkloads.CONTAINER_PORT + 1)) {
            assertThatThrownBy(() -> get(refused.getLocalPort(), "/env?FOO")).isInstanceOf(UncheckedIOException.class);
            eventually().until(refused::errorOccurred);
        }
    }

    /**
     * Real kubectl through the real kube-apiserver to the Node's kubelet endpoint, over both of kubectl's protocols
     * (WebSocket, which the API server translates to SPDY for the kubelet, and SPDY end to end): the exit code comes
     * back, what the command writes to stderr comes back apart, and the end of kubectl's stdin reaches the command.
     */
    @Test
    void kubectlExecRunsACommandInARunningPodOverBothProtocolsWithItsExitCodeAndTheEndOfItsStdin() throws Exception {
        String ns = namespace("exec");
        String pod = readyWebPod(ns).getMetadata().getName();
        byte[] data = new byte[1024 * 1024 + 4321];
        new Random(7).nextBytes(data);
        Path stdin = Files.write(dir.resolve("exec-stdin.bin"), data);
        String hash =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));

        for (Map<String, String> protocol :
                List.of(Map.<String, String>of(), Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false"))) {
            Kubectl ok = kubectl(protocol, null, "exec", "-n", ns, pod, "--", "sh", "-c", "echo \"ok in $PWD\"");
            assertThat(ok.exitCode()).as(protocol + ok.err()).isZero();
            assertThat(ok.out())
                    .isEqualTo("ok in " + runner.workDir().resolve("pods").resolve(ns + "_pod_" + pod) + "\n");

            Kubectl failed = kubectl(protocol, null, "exec", "-n", ns, pod, "--", "sh", "-c", "echo bye >&2; exit 3");
            assertThat(failed.exitCode()).as(protocol + failed.err()).isEqualTo(3);
            assertThat(failed.err()).startsWith("bye\n");

            // sha256sum prints only once its stdin is closed
            Kubectl hashed = kubectl(protocol, stdin, "exec", "-i", "-n", ns, pod, "--", "sha256sum");
            assertThat(hashed.exitCode()).as(protocol + hashed.err()).isZero();
            assertThat(hashed.out()).isEqualTo(hash + "  -\n");
        }
    }

    /** What a kubectl run printed and how it exited. */
    private record Kubectl(int exitCode, String out, String err) {}

    /** The control plane's kubectl as the admin, {@code environment} added, its stdin {@code stdin} (none: closed). */
    private static Kubectl kubectl(Map<String, String> environment, Path stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                cluster.kubectl().toString(),
                "--kubeconfig",
                cluster.adminKubeconfig().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "kubectl-", ".out");
        Path err = Files.createTempFile(dir, "kubectl-", ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.redirectInput(
                stdin == null
                        ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                        : ProcessBuilder.Redirect.from(stdin.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "kubectl " + String.join(" ", args) + " did not finish; stderr: " + Files.readString(err));
        }
        return new Kubectl(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void aJobsPodIsRestartedOnFailureAndOnSuccessKcmCompletesTheJob() throws Exception {
        String ns = namespace("jobs");
        Path attempts = dir.resolve("attempts-" + System.nanoTime());
        client.batch()
                .v1()
                .jobs()
                .resource(TestWorkloads.job(ns, "twice", attempts.toString(), 2, 3))
                .create();

        eventually().untilAsserted(() -> {
            Job job =
                    client.batch().v1().jobs().inNamespace(ns).withName("twice").get();
            assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
            assertThat(job.getStatus().getConditions()).anySatisfy(condition -> {
                assertThat(condition.getType()).isEqualTo("Complete");
                assertThat(condition.getStatus()).isEqualTo("True");
            });
        });
        Pod pod = client.pods().inNamespace(ns).list().getItems().get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
        assertThat(pod.getStatus().getContainerStatuses().get(0).getRestartCount())
                .isEqualTo(1);
        assertThat(Files.readString(attempts).strip()).isEqualTo("2");
    }

    private static String namespace(String name) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .build())
                .create();
        return name;
    }

    private static void secret(String ns, String name) {
        client.secrets()
                .inNamespace(ns)
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .addToStringData("key", "from-data")
                        .build())
                .create();
    }

    /** The Pod of Deployment {@code web} in {@code ns}, created and run until it is ready. */
    private static Pod readyWebPod(String ns) {
        secret(ns, "creds");
        client.apps()
                .deployments()
                .resource(TestWorkloads.server(ns, "web", "creds"))
                .create();
        eventually().until(() -> readyReplicas(ns, "web") == 1);
        return onlyPod(ns, "web");
    }

    private static Pod onlyPod(String ns, String app) {
        List<Pod> pods = client.pods().inNamespace(ns).withLabels(Map.of("app", app)).list().getItems().stream()
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .toList();
        assertThat(pods).hasSize(1);
        return pods.get(0);
    }

    private static int readyReplicas(String ns, String name) {
        Deployment deployment =
                client.apps().deployments().inNamespace(ns).withName(name).get();
        Integer ready =
                deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas();
        return ready == null ? 0 : ready;
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250));
    }
}
