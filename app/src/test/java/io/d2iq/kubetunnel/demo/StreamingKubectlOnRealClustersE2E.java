package io.d2iq.kubetunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.model.ConnectorResources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kubectl's streaming subresources through the tunnel: from the management side, with only the kubeconfig exported
 * from the connector's Secret (its proxy-url the tunnel-server), the kubectl built with the control plane reaches a
 * Pod on the remote control plane whose Node is played by kwok. Each case runs over both of kubectl's streaming
 * protocols.
 */
class StreamingKubectlOnRealClustersE2E {

    private static final String NAMESPACE = "default";
    private static final String POD = "streamer";
    private static final int STDIN_BYTES = 10 * 1024 * 1024;

    /** kubectl's two streaming protocols; WebSocket is its default since 1.31, SPDY the one older servers speak. */
    enum Protocol {
        WEBSOCKET(Map.of()),
        SPDY(Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false", "KUBECTL_PORT_FORWARD_WEBSOCKETS", "false"));

        final Map<String, String> environment;

        Protocol(Map<String, String> environment) {
            this.environment = environment;
        }
    }

    /** What a kubectl run printed and how it exited. */
    record Result(int exitCode, String out, String err) {}

    @TempDir
    static Path dir;

    private static ControlPlaneClusters clusters;
    private static KwokNode node;
    private static E2eConnection connection;
    private static E2eClusters.TunnelKubeconfig tunnel;

    @BeforeAll
    static void start() throws Exception {
        clusters = ControlPlaneClusters.start(dir);
        Kubectl remoteAdmin = clusters.remote(0);
        node = KwokNode.start(remoteAdmin, remoteAdmin.kubeconfig(), dir.resolve("kwok"));
        node.runPod(remoteAdmin, NAMESPACE, POD, dir);
        connection = E2eConnection.connect(clusters, "e2e-streaming", 0, dir);
        String kubeconfig = Demo.secretValue(
                clusters.management(),
                clusters.namespace(),
                ConnectorResources.kubeconfigSecretName(connection.name()),
                "kubeconfig");
        tunnel = clusters.reach(connection.name(), kubeconfig);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable resource : new AutoCloseable[] {tunnel, connection, node, clusters}) {
            if (resource != null) {
                resource.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void execThroughTheTunnelPrintsTheCommandsOutputAndReportsItsFailure(Protocol protocol) throws Exception {
        Result ok = throughTunnel(protocol, "exec", POD, "--", "sh", "-c", "echo ok");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("ok\n");

        // kwok v0.7.0 wraps the command's exit error (pkg/utils/exec/exec.go), so the API server reports an internal
        // error carrying the status instead of the exit code: kubectl fails, and the status comes back through the
        // tunnel
        Result failed = throughTunnel(protocol, "exec", POD, "--", "sh", "-c", "exit 3");
        assertThat(failed.exitCode()).as(failed.err()).isNotZero();
        assertThat(failed.err()).contains("exit status 3");
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void execWithStdinCarriesTenMebibytesIntoTheCommandUnchanged(Protocol protocol) throws Exception {
        byte[] data = new byte[STDIN_BYTES];
        new Random(protocol.ordinal()).nextBytes(data);
        Path stdin = Files.write(dir.resolve("stdin-" + protocol + ".bin"), data);

        // kwok v0.7.0 never closes the command's stdin pipe (pkg/utils/exec/exec.go), so the command reads a known
        // length
        Result hashed = throughTunnel(
                protocol, stdin, "exec", "-i", POD, "--", "sh", "-c", "head -c " + STDIN_BYTES + " | sha256sum");
        assertThat(hashed.exitCode()).as(hashed.err()).isZero();
        assertThat(hashed.out().split(" ")[0])
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    }

    private static Result throughTunnel(Protocol protocol, String... args) throws Exception {
        return throughTunnel(protocol, null, args);
    }

    /** Runs kubectl with the exported kubeconfig, its stdin the file {@code stdin} (closed when null). */
    private static Result throughTunnel(Protocol protocol, Path stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(
                List.of(clusters.kubectl(), "--kubeconfig", tunnel.file().toString(), "-n", NAMESPACE));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "kubectl-", ".out");
        Path err = Files.createTempFile(dir, "kubectl-", ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (stdin != null) {
            builder.redirectInput(stdin.toFile());
        }
        builder.environment().putAll(protocol.environment);
        Process process = builder.start();
        if (stdin == null) {
            process.getOutputStream().close();
        }
        if (!process.waitFor(Kubectl.CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "kubectl " + String.join(" ", args) + " did not finish in " + Kubectl.CALL_TIMEOUT);
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
