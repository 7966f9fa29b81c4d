package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.real.KwokBinary;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A fake Node on a real control plane, played by a kwok process that manages only the Nodes annotated
 * {@code kwok.x-k8s.io/node=fake} and answers the kubelet's exec API for their Pods by running the command on this
 * machine, in a work directory of its own.
 */
final class KwokNode implements AutoCloseable {

    static final String NAME = "kwok-node";
    private static final String SELECTOR_ANNOTATION = "kwok.x-k8s.io/node";

    private final Process process;

    private KwokNode(Process process) {
        this.process = process;
    }

    static KwokNode start(Kubectl admin, Path adminKubeconfig, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path workDir = Files.createDirectories(dir.resolve("exec"));
        // the API server dials the node's kubelet port over TLS (verifying nothing without a kubelet CA)
        Path tls = Files.createDirectories(dir.resolve("tls"));
        CertificateAuthority.generate("kubetunnel e2e kwok CA").issueLocalhost().writePem(tls);
        Path config = Files.writeString(dir.resolve("kwok.yaml"), """
                apiVersion: kwok.x-k8s.io/v1alpha1
                kind: ClusterExec
                metadata:
                  name: local
                spec:
                  execs:
                  - local:
                      workDir: %s
                """.formatted(workDir));
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
        KwokNode node = new KwokNode(process);
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

    /** Runs a Pod on this node and waits until kwok reports it Running. */
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
