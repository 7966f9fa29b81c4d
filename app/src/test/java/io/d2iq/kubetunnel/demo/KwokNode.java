package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.real.KwokBinary;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A fake Node on a real control plane, played by a kwok process that manages only the Nodes annotated
 * {@code kwok.x-k8s.io/node=fake} and answers the kubelet's streaming API for their Pods: exec runs the command on
 * this machine, in a work directory of its own (with a pseudo-terminal for {@code -t}); logs serve {@link #logsFile()}
 * and attach follows {@link #attachFile()} (both in the CRI log format, see {@link #criLogLine}); port-forward of a
 * Pod port dials a loopback port given at start.
 */
final class KwokNode implements AutoCloseable {

    static final String NAME = "kwok-node";
    private static final String SELECTOR_ANNOTATION = "kwok.x-k8s.io/node";

    private final Process process;
    private final Path logsFile;
    private final Path attachFile;

    private KwokNode(Process process, Path logsFile, Path attachFile) {
        this.process = process;
        this.logsFile = logsFile;
        this.attachFile = attachFile;
    }

    /**
     * Starts kwok as the kubelet of Node {@link #NAME}; {@code forwards} maps a Pod port to the loopback port that
     * port-forward of it reaches.
     */
    static KwokNode start(Kubectl admin, Path adminKubeconfig, Path dir, Map<Integer, Integer> forwards)
            throws IOException {
        Files.createDirectories(dir);
        Path workDir = Files.createDirectories(dir.resolve("exec"));
        Path logsFile = Files.createFile(dir.resolve("container.log"));
        Path attachFile = Files.createFile(dir.resolve("attach.log"));
        StringBuilder forwardList = new StringBuilder();
        forwards.forEach((podPort, target) -> forwardList.append("""
                  - ports: [%d]
                    target:
                      address: 127.0.0.1
                      port: %d
                """.formatted(podPort, target)));
        // the API server dials the node's kubelet port over TLS (verifying nothing without a kubelet CA)
        Path tls = Files.createDirectories(dir.resolve("tls"));
        CertificateAuthority.generate("kubetunnel e2e kwok CA").issueLocalhost().writePem(tls);
        Path config =
                Files.writeString(dir.resolve("kwok.yaml"), """
                apiVersion: kwok.x-k8s.io/v1alpha1
                kind: ClusterExec
                metadata:
                  name: local
                spec:
                  execs:
                  - local:
                      workDir: %s
                ---
                apiVersion: kwok.x-k8s.io/v1alpha1
                kind: ClusterLogs
                metadata:
                  name: local
                spec:
                  logs:
                  - logsFile: %s
                    follow: true
                ---
                apiVersion: kwok.x-k8s.io/v1alpha1
                kind: ClusterAttach
                metadata:
                  name: local
                spec:
                  attaches:
                  - logsFile: %s
                ---
                apiVersion: kwok.x-k8s.io/v1alpha1
                kind: ClusterPortForward
                metadata:
                  name: local
                spec:
                  forwards:
                %s""".formatted(workDir, logsFile, attachFile, forwardList));
        int port = freePort();
        Process process = new ProcessBuilder(
                        KwokBinary.path().toString(),
                        "--kubeconfig",
                        adminKubeconfig.toString(),
                        "--config",
                        config.toString(),
                        "--manage-all-nodes=false",
                        "--manage-nodes-with-annotation-selector=" + SELECTOR_ANNOTATION + "=fake",
                        "--node-ip=127.0.0.1",
                        "--node-port=" + port,
                        "--server-address=127.0.0.1:" + port,
                        "--tls-cert-file",
                        tls.resolve("tls.crt").toString(),
                        "--tls-private-key-file",
                        tls.resolve("tls.key").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("kwok.log").toFile())
                .start();
        KwokNode node = new KwokNode(process, logsFile, attachFile);
        try {
            Path manifest = Files.writeString(dir.resolve("node.yaml"), """
                    apiVersion: v1
                    kind: Node
                    metadata:
                      name: %s
                      annotations:
                        %s: fake
                    """.formatted(NAME, SELECTOR_ANNOTATION));
            admin.run("apply", "-f", manifest.toString());
            admin.run("wait", "--for=condition=Ready", "--timeout=60s", "node/" + NAME);
            return node;
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /** The file {@code kubectl logs} of any container on this node serves, in the CRI log format. */
    Path logsFile() {
        return logsFile;
    }

    /** The file {@code kubectl attach} to any container on this node follows (from the attach on), in the CRI log format. */
    Path attachFile() {
        return attachFile;
    }

    /** One complete line written to stdout, as a container runtime writes it to the files kwok reads. */
    static String criLogLine(String text) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now()) + " stdout F " + text + "\n";
    }

    /** Appends one stdout line to {@code file} as the container runtime would. */
    static void appendLine(Path file, String text) throws IOException {
        Files.writeString(file, criLogLine(text), StandardOpenOption.APPEND);
    }

    /**
     * Runs a Pod on this node and waits until kwok reports it Running; its container asks for stdin and a terminal, as
     * {@code kubectl attach -it} requires.
     */
    void runPod(Kubectl admin, String namespace, String name, Path dir) throws IOException {
        Path manifest = Files.writeString(dir.resolve(name + ".yaml"), """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  nodeName: %s
                  automountServiceAccountToken: false
                  containers:
                  - name: main
                    image: fake
                    stdin: true
                    tty: true
                """.formatted(name, namespace, NAME));
        admin.run("apply", "-f", manifest.toString());
        admin.run("wait", "--for=condition=Ready", "--timeout=60s", "-n", namespace, "pod/" + name);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
