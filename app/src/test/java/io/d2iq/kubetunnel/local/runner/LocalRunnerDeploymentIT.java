package io.d2iq.kubetunnel.local.runner;

import static io.d2iq.kubetunnel.local.runner.TestWorkloads.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deployments on an embedded TLS API become processes, which follow replicas, template changes, exits and deletes. */
class LocalRunnerDeploymentIT {

    private static final CertificateAuthority INGRESS_CA = CertificateAuthority.generate("runner-test-ingress-ca");
    private static LocalApi api;
    private static KubernetesClient client;
    private static LocalRunner runner;

    @BeforeAll
    static void start() {
        api = LocalApi.start(true);
        client = api.client();
        runner = LocalRunner.start(client, TestWorkloads.options().withIngressCa(INGRESS_CA));
    }

    @AfterAll
    static void stop() {
        runner.close();
        api.close();
    }

    @Test
    void aDeploymentRunsItsRoleWithThePodsFilesEnvironmentAndApiAccessAndGoesReady() throws Exception {
        String ns = "files";
        secret(ns, "creds");
        client.services().resource(TestWorkloads.service(ns, "web")).create();
        client.apps()
                .deployments()
                .resource(TestWorkloads.server(ns, "web", "creds"))
                .create();

        awaitStatus(
                ns,
                "web",
                status -> status.getReadyReplicas() == 1
                        && status.getAvailableReplicas() == 1
                        && status.getReplicas() == 1);

        InetSocketAddress address = runner.serviceMap().resolve(ns, "web", 80).orElseThrow();
        assertThat(runner.serviceMap().resolve(ns, "web", "web")).contains(address);
        assertThat(runner.addressResolver().resolve(ns, "web", 80))
                .isEqualTo(URI.create("http://127.0.0.1:" + address.getPort()));
        int port = address.getPort();
        assertThat(port).isNotEqualTo(TestWorkloads.CONTAINER_PORT);
        String args = get(port, "/args");
        assertThat(args).startsWith("test-server --port " + port + " --secret-file ");
        String secretFile = args.substring(args.lastIndexOf(' ') + 1);
        assertThat(secretFile).startsWith(runner.workDir().toString()).endsWith("/key");
        assertThat(get(port, "/file?" + secretFile)).isEqualTo("from-data");
        assertThat(get(port, "/file?" + secretFile.replace("/key", "/other"))).isEqualTo("from-string-data");
        assertThat(get(port, "/env?FOO")).isEqualTo("bar");
        assertThat(get(port, "/env?KUBERNETES_SERVICE_HOST")).isEqualTo("127.0.0.1");
        assertThat(get(port, "/env?KUBERNETES_SERVICE_PORT")).isEqualTo(Integer.toString(api.port()));
        // in-cluster fabric8 config reaches the embedded API over TLS with the mounted CA
        assertThat(get(port, "/kube", Duration.ofSeconds(30))).isEqualTo(api.url() + "/ " + ns + " 1");
        assertThat(Files.readString(runner.logFile(ns, "Deployment", "web")))
                .contains("test-server listening on " + port);
    }

    @Test
    void anIngressReachesTheDeploymentThroughTheRunnersHttpsProxyWithItsPathKept() throws Exception {
        String ns = "ingress";
        startServer(ns, "site");
        // a rule without host: the JDK's HttpClient sends Host 127.0.0.1, which no rule with a host matches
        client.network()
                .v1()
                .ingresses()
                .resource(new IngressBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("site")
                        .endMetadata()
                        .withNewSpec()
                        .addNewRule()
                        .withNewHttp()
                        .addNewPath()
                        .withPath("/prefix")
                        .withPathType("Prefix")
                        .withNewBackend()
                        .withNewService()
                        .withName("site")
                        .withNewPort()
                        .withName("web")
                        .endPort()
                        .endService()
                        .endBackend()
                        .endPath()
                        .endHttp()
                        .endRule()
                        .endSpec()
                        .build())
                .create();
        HttpClient https = HttpClient.newBuilder()
                .sslContext(INGRESS_CA.jdkClientContext())
                .build();
        URI uri = URI.create("https://127.0.0.1:" + runner.ingressPort() + "/prefix/hello");

        String body = eventually()
                .until(
                        () -> https.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                                .body(),
                        answer -> answer.startsWith("test-server"));

        assertThat(body).isEqualTo("test-server /prefix/hello");
        assertThat(runner.ingressCaPem()).isEqualTo(INGRESS_CA.certificatePem());
        eventually()
                .until(() -> client.network()
                                .v1()
                                .ingresses()
                                .inNamespace(ns)
                                .withName("site")
                                .get()
                                .getStatus()
                                .getLoadBalancer()
                                .getIngress()
                                .get(0)
                                .getPorts()
                                .get(0)
                                .getPort()
                        == runner.ingressPort());
    }

    @Test
    void aDeploymentWaitsForItsSecretLikeAPodInContainerCreating() {
        String ns = "waits";
        client.apps()
                .deployments()
                .resource(TestWorkloads.server(ns, "late", "late-secret"))
                .create();
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() ->
                        status(ns, "late").map(DeploymentStatus::getReplicas).orElse(0) == 0);
        secret(ns, "late-secret");
        awaitStatus(ns, "late", status -> status.getReadyReplicas() == 1);
    }

    @Test
    void scalingToZeroStopsTheProcessAndScalingBackToOneStartsANewOne() {
        String ns = "scale";
        long pid = startServer(ns, "scaled");

        client.apps().deployments().inNamespace(ns).withName("scaled").edit(d -> {
            d.getSpec().setReplicas(0);
            return d;
        });
        awaitStatus(ns, "scaled", status -> status.getReplicas() == 0 && status.getReadyReplicas() == 0);
        awaitGone(pid);

        client.apps().deployments().inNamespace(ns).withName("scaled").edit(d -> {
            d.getSpec().setReplicas(1);
            return d;
        });
        awaitStatus(ns, "scaled", status -> status.getReadyReplicas() == 1);
        assertThat(pid(ns, "scaled")).isNotEqualTo(pid);
    }

    @Test
    void aPodThatSetsJavaToolOptionsRunsWithThoseAloneAndOthersWithTheRunnersDefaults() throws Exception {
        String ns = "jvm";
        long defaults = startServer(ns, "defaults");
        assertThat(commandLine(defaults)).containsSubsequence(RunnerOptions.DEFAULT_JVM_ARGS.toArray(String[]::new));

        secret(ns, "own-secret");
        client.services().resource(TestWorkloads.service(ns, "own")).create();
        Deployment own = TestWorkloads.server(ns, "own", "own-secret");
        own.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getEnv()
                .add(new EnvVar("JAVA_TOOL_OPTIONS", "-Xmx64m -XX:+UseSerialGC", null));
        client.apps().deployments().resource(own).create();
        awaitStatus(ns, "own", status -> status.getReadyReplicas() == 1);

        int port = runner.serviceMap().resolve(ns, "own", 80).orElseThrow().getPort();
        assertThat(get(port, "/env?JAVA_TOOL_OPTIONS")).isEqualTo("-Xmx64m -XX:+UseSerialGC");
        assertThat(commandLine(pid(ns, "own"))).doesNotContainAnyElementsOf(RunnerOptions.DEFAULT_JVM_ARGS);
    }

    @Test
    void aChangedPodTemplateRestartsTheProcessOnTheSameServiceAddress() {
        String ns = "restart";
        long pid = startServer(ns, "restarted");
        InetSocketAddress before =
                runner.serviceMap().resolve(ns, "restarted", 80).orElseThrow();

        // what kubectl rollout restart does
        client.apps().deployments().inNamespace(ns).withName("restarted").edit(d -> {
            d.getSpec()
                    .getTemplate()
                    .getMetadata()
                    .setAnnotations(Map.of("kubectl.kubernetes.io/restartedAt", "2026-11-24T12:00:00Z"));
            return d;
        });

        awaitGone(pid);
        awaitStatus(ns, "restarted", status -> status.getReadyReplicas() == 1);
        assertThat(runner.serviceMap().resolve(ns, "restarted", 80)).contains(before);
        assertThat(pid(ns, "restarted")).isNotEqualTo(pid);
    }

    @Test
    void aProcessThatExitsIsRestarted() {
        String ns = "crash";
        long pid = startServer(ns, "crashing");

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();

        eventually()
                .until(() -> status(ns, "crashing")
                                        .map(DeploymentStatus::getReadyReplicas)
                                        .orElse(0)
                                == 1
                        && pidOrZero(ns, "crashing") != pid
                        && pidOrZero(ns, "crashing") != 0);
    }

    @Test
    void deletingTheDeploymentStopsItsProcess() {
        String ns = "delete";
        long pid = startServer(ns, "deleted");

        client.apps().deployments().inNamespace(ns).withName("deleted").delete();

        awaitGone(pid);
        eventually().until(() -> runner.serviceMap().resolve(ns, "deleted", 80).isEmpty());
    }

    private long startServer(String ns, String name) {
        secret(ns, name + "-secret");
        client.services().resource(TestWorkloads.service(ns, name)).create();
        client.apps()
                .deployments()
                .resource(TestWorkloads.server(ns, name, name + "-secret"))
                .create();
        awaitStatus(ns, name, status -> status.getReadyReplicas() == 1);
        return pid(ns, name);
    }

    private void secret(String ns, String name) {
        client.secrets()
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName(name)
                        .endMetadata()
                        .withData(Map.of(
                                "key",
                                Base64.getEncoder().encodeToString("from-data".getBytes(StandardCharsets.UTF_8))))
                        .withStringData(Map.of("other", "from-string-data"))
                        .build())
                .create();
    }

    /** The process's arguments from /proc (ProcessHandle.Info has none for a command line as long as the test class path). */
    private static java.util.List<String> commandLine(long pid) throws java.io.IOException {
        String cmdline = Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "cmdline"));
        return java.util.List.of(cmdline.split("\0"));
    }

    private static long pid(String ns, String name) {
        return Long.parseLong(
                get(runner.serviceMap().resolve(ns, name, 80).orElseThrow().getPort(), "/pid"));
    }

    private static long pidOrZero(String ns, String name) {
        try {
            return pid(ns, name);
        } catch (RuntimeException notListening) {
            return 0;
        }
    }

    private static void awaitGone(long pid) {
        eventually()
                .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE);
    }

    private static void awaitStatus(String ns, String name, java.util.function.Predicate<DeploymentStatus> condition) {
        eventually()
                .until(() -> status(ns, name)
                        .filter(status -> status.getReplicas() != null)
                        .filter(condition)
                        .isPresent());
    }

    private static Optional<DeploymentStatus> status(String ns, String name) {
        Deployment deployment =
                client.apps().deployments().inNamespace(ns).withName(name).get();
        return Optional.ofNullable(deployment).map(Deployment::getStatus);
    }

    private static ConditionFactory eventually() {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions();
    }
}
