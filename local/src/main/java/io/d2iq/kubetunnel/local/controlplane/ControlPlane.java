package io.d2iq.kubetunnel.local.controlplane;

import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.d2iq.kubetunnel.tls.IssuedCertificate;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kubernetes control plane on loopback: etcd, kube-apiserver (RBAC, ServiceAccount admission, TokenRequest)
 * and kube-controller-manager with the controllers a cluster runs for kubetunnel (garbage collector, service
 * accounts and their tokens, Deployments, ReplicaSets, Jobs, namespaces, the root CA publisher). No kubelet and no
 * scheduler: Pods stay Pending unless something plays the kubelet.
 *
 * <p>The binaries are the ones {@code tools/control-plane/build.sh} builds from the Go module proxy (the tests find
 * them through their {@code ControlPlaneBinaries}, which runs the script; {@code demo --control-plane DIR} is given
 * the directory). The admin authenticates with a static token in group {@code system:masters}; everyone else goes
 * through RBAC. It lives in the main code because the demo runs it too.
 */
public final class ControlPlane implements AutoCloseable {

    /** Controllers of kube-controller-manager that kubetunnel relies on in a real cluster. */
    static final List<String> CONTROLLERS = List.of(
            "garbage-collector-controller",
            "serviceaccount-controller",
            "serviceaccount-token-controller",
            "deployment-controller",
            "replicaset-controller",
            "job-controller",
            "namespace-controller",
            "root-ca-certificate-publisher-controller",
            "clusterrole-aggregation-controller");

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final int MAX_START_ATTEMPTS = 3;

    private final Path dir;
    private final Path binaries;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private final CertificateAuthority ca = CertificateAuthority.generate("kubetunnel-test-cluster-ca");
    private final String adminToken = UUID.randomUUID().toString();
    private final String name;
    private URI server;
    private Path adminKubeconfig;

    private ControlPlane(String name, Path dir, Path binaries) {
        this.name = name;
        this.dir = dir;
        this.binaries = binaries;
    }

    /**
     * Starts a control plane from the binaries in {@code binaries} (etcd, kube-apiserver, kube-controller-manager)
     * whose files and logs live under {@code dir}.
     */
    public static ControlPlane start(String name, Path dir, Path binaries) {
        for (String binary : List.of("etcd", "kube-apiserver", "kube-controller-manager")) {
            if (!Files.isExecutable(binaries.resolve(binary))) {
                throw new IllegalStateException(
                        binaries.resolve(binary) + " is missing: run tools/control-plane/build.sh");
            }
        }
        // A port found free can be taken by another process before etcd or kube-apiserver binds it: such a start is
        // tried again on new ports, in a directory of its own so the failed attempt's logs stay.
        for (int attempt = 1; ; attempt++) {
            Path attemptDir = attempt == 1 ? dir : dir.resolveSibling(dir.getFileName() + "-attempt-" + attempt);
            ControlPlane plane = new ControlPlane(name, attemptDir, binaries);
            try {
                plane.startProcesses(binaries);
                return plane;
            } catch (RuntimeException | IOException e) {
                plane.close();
                if (attempt == MAX_START_ATTEMPTS || !plane.lostAPortRace()) {
                    throw new IllegalStateException(
                            "control plane " + name + " did not start (logs in " + attemptDir + "): " + e.getMessage(),
                            e);
                }
                LOG.warn("control plane {}: a port was taken before it bound it; starting again on new ports", name);
            }
        }
    }

    /** Whether a process's log says that it could not bind a port it was given. */
    private boolean lostAPortRace() {
        for (Path log : logs) {
            try {
                if (Files.exists(log) && Files.readString(log).contains("address already in use")) {
                    return true;
                }
            } catch (IOException unreadable) {
                // says nothing about this process; the next log may
            }
        }
        return false;
    }

    private void startProcesses(Path bin) throws IOException {
        Files.createDirectories(dir);
        IssuedCertificate serving = ca.issueServer(
                List.of("localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"),
                List.of("127.0.0.1"));
        Path servingDir = Files.createDirectories(dir.resolve("serving"));
        serving.writePem(servingDir);
        Path caFile = servingDir.resolve(IssuedCertificate.CA_FILE);
        // the service-account signing key: the apiserver verifies with it, kcm signs legacy tokens with it
        KeyPair serviceAccountKeys = newRsaKeyPair();
        Path serviceAccountKey = Files.writeString(
                dir.resolve("sa.key"),
                pem("PRIVATE KEY", serviceAccountKeys.getPrivate().getEncoded()));
        Path serviceAccountPublicKey = Files.writeString(
                dir.resolve("sa.pub"),
                pem("PUBLIC KEY", serviceAccountKeys.getPublic().getEncoded()));
        Path tokens = Files.writeString(dir.resolve("tokens.csv"), adminToken + ",admin,admin,\"system:masters\"\n");

        int etcdClient = freePort();
        int etcdPeer = freePort();
        start(
                "etcd",
                List.of(
                        bin.resolve("etcd").toString(),
                        "--name",
                        "default",
                        "--data-dir",
                        dir.resolve("etcd").toString(),
                        "--listen-client-urls",
                        "http://127.0.0.1:" + etcdClient,
                        "--advertise-client-urls",
                        "http://127.0.0.1:" + etcdClient,
                        "--listen-peer-urls",
                        "http://127.0.0.1:" + etcdPeer,
                        "--initial-advertise-peer-urls",
                        "http://127.0.0.1:" + etcdPeer,
                        "--initial-cluster",
                        "default=http://127.0.0.1:" + etcdPeer,
                        "--unsafe-no-fsync",
                        "--log-level",
                        "warn"));

        int apiPort = freePort();
        server = URI.create("https://127.0.0.1:" + apiPort);
        start(
                "kube-apiserver",
                List.of(
                        bin.resolve("kube-apiserver").toString(),
                        "--etcd-servers",
                        "http://127.0.0.1:" + etcdClient,
                        "--bind-address",
                        "127.0.0.1",
                        "--advertise-address",
                        "127.0.0.1",
                        "--secure-port",
                        Integer.toString(apiPort),
                        "--tls-cert-file",
                        servingDir.resolve(IssuedCertificate.CERTIFICATE_FILE).toString(),
                        "--tls-private-key-file",
                        servingDir.resolve(IssuedCertificate.KEY_FILE).toString(),
                        "--client-ca-file",
                        caFile.toString(),
                        "--token-auth-file",
                        tokens.toString(),
                        "--authorization-mode",
                        "RBAC",
                        "--service-account-issuer",
                        "https://kubernetes.default.svc.cluster.local",
                        "--service-account-key-file",
                        serviceAccountPublicKey.toString(),
                        "--service-account-signing-key-file",
                        serviceAccountKey.toString(),
                        "--service-cluster-ip-range",
                        "10.96.0.0/16",
                        "--allow-privileged=true",
                        // a fake Node's kubelet (kwok) listens on its InternalIP; its name resolves nowhere
                        "--kubelet-preferred-address-types",
                        "InternalIP,Hostname,InternalDNS,ExternalDNS,ExternalIP",
                        "--profiling=false",
                        "--cert-dir",
                        dir.resolve("apiserver-certs").toString()));
        adminKubeconfig = Files.writeString(
                dir.resolve("admin.kubeconfig"),
                Kubeconfig.forServiceAccount(
                                server.toString(), ca.certificatePem().getBytes(StandardCharsets.US_ASCII), adminToken)
                        .toYaml());
        awaitReady("/readyz");

        start(
                "kube-controller-manager",
                List.of(
                        bin.resolve("kube-controller-manager").toString(),
                        "--kubeconfig",
                        adminKubeconfig.toString(),
                        "--authentication-kubeconfig",
                        adminKubeconfig.toString(),
                        "--authorization-kubeconfig",
                        adminKubeconfig.toString(),
                        "--controllers",
                        String.join(",", CONTROLLERS),
                        "--service-account-private-key-file",
                        serviceAccountKey.toString(),
                        "--root-ca-file",
                        caFile.toString(),
                        "--leader-elect=false",
                        "--use-service-account-credentials=false",
                        "--bind-address",
                        "127.0.0.1",
                        "--secure-port",
                        Integer.toString(freePort()),
                        "--concurrent-gc-syncs",
                        "5"));
        // the service account controller has run once the namespace's default ServiceAccount exists
        try (KubernetesClient admin = adminClient()) {
            Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
            while (admin.serviceAccounts()
                            .inNamespace("default")
                            .withName("default")
                            .get()
                    == null) {
                checkAlive();
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException(
                            "kube-controller-manager created no default ServiceAccount in " + STARTUP_TIMEOUT);
                }
                sleep(200);
            }
        }
    }

    private void start(String binary, List<String> command) throws IOException {
        Path log = dir.resolve(binary + ".log");
        processes.add(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start());
        logs.add(log);
    }

    private void awaitReady(String path) {
        HttpClient http = HttpClient.newBuilder()
                .sslContext(ca.jdkClientContext())
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        Instant deadline = Instant.now().plus(STARTUP_TIMEOUT);
        while (true) {
            checkAlive();
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(server.resolve(path))
                                .header("Authorization", "Bearer " + adminToken)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("kube-apiserver " + path + " not ready in " + STARTUP_TIMEOUT);
            }
            sleep(200);
        }
    }

    private void checkAlive() {
        for (int i = 0; i < processes.size(); i++) {
            if (!processes.get(i).isAlive()) {
                throw new IllegalStateException(logs.get(i).getFileName() + ": the process exited with "
                        + processes.get(i).exitValue() + "; its last lines:\n" + tail(logs.get(i)));
            }
        }
    }

    /** The kubectl built with the control plane (same version as the API server; /usr/bin/kubectl may be older). */
    public Path kubectl() {
        return binaries.resolve("kubectl");
    }

    /** The API server, {@code https://127.0.0.1:PORT}. */
    public URI server() {
        return server;
    }

    /** A kubeconfig of the cluster admin (system:masters). */
    public Path adminKubeconfig() {
        return adminKubeconfig;
    }

    /** The cluster CA (PEM) that signed the API server's certificate. */
    public String caPem() {
        return ca.certificatePem();
    }

    /** A client as the cluster admin; the caller closes it. */
    public KubernetesClient adminClient() {
        return clientWithToken(adminToken);
    }

    /** A client that presents {@code token}, e.g. a ServiceAccount's; the caller closes it. */
    public KubernetesClient clientWithToken(String token) {
        return new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(kubeconfigWithToken(token)))
                .build();
    }

    /** A TokenRequest token (one hour) of ServiceAccount {@code namespace/name}, as a pod of that account gets. */
    public String serviceAccountToken(String namespace, String name) {
        try (KubernetesClient admin = adminClient()) {
            return admin.serviceAccounts()
                    .inNamespace(namespace)
                    .withName(name)
                    .tokenRequest(new TokenRequestBuilder()
                            .withNewSpec()
                            .withExpirationSeconds(3600L)
                            .endSpec()
                            .build())
                    .getStatus()
                    .getToken();
        }
    }

    /** A kubeconfig for this API server that presents {@code token}. */
    public String kubeconfigWithToken(String token) {
        return Kubeconfig.forServiceAccount(
                        server.toString(), ca.certificatePem().getBytes(StandardCharsets.US_ASCII), token)
                .toYaml();
    }

    /** Name given at start, for messages. */
    public String name() {
        return name;
    }

    @Override
    public void close() {
        // kcm and the apiserver first, etcd last, as a node shuts down
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        processes.clear();
    }

    private static KeyPair newRsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
