package io.d2iq.kubetunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.laptop.KubeconfigRole;
import io.d2iq.kubetunnel.local.runner.LocalRunner;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ConnectorResources;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kubectl's streaming subresources through the tunnel: from the management side, with only the kubeconfig exported
 * from the connector's Secret (its proxy-url the tunnel-server), the kubectl built with the control plane reaches a
 * Pod on the remote control plane whose Node is played by kwok ({@link KwokNode}). Each case that kubectl can switch
 * runs over both of its streaming protocols. What kwok v0.7.0 cannot do (exit codes, closing stdin) is proven on the
 * agent's Pod instead, which the remote cluster's local runner runs and whose kubelet endpoint serves exec over SPDY
 * ({@code KubeletServer}); what neither proves is listed in docs/e2e.md.
 */
class StreamingKubectlOnRealClustersE2E {

    private static final String NAMESPACE = "default";
    private static final String POD = "streamer";
    private static final int STDIN_BYTES = 10 * 1024 * 1024;
    /** The Pod port whose port-forward kwok sends to the {@link LoopbackEchoServer}. */
    private static final int POD_PORT = 8080;

    private static final int FORWARDED_BYTES = 100 * 1024 * 1024;
    private static final int SECOND_CONNECTION_BYTES = 1024 * 1024;
    private static final Duration FORWARD_TIMEOUT = Duration.ofMinutes(5);
    /** GNU tar reads an archive from a pipe in records of 20 blocks of 512 bytes. */
    private static final int TAR_BLOCK = 512;

    private static final int TAR_RECORD = 20 * TAR_BLOCK;
    /**
     * A file whose archive, as kubectl cp writes it (one header block, the data, two end blocks), fills whole tar
     * records: GNU tar then sees the end of the archive without waiting for the end of its stdin, which kwok v0.7.0
     * never closes.
     */
    private static final int CP_IN_BYTES = 103 * TAR_RECORD - 3 * TAR_BLOCK;

    private static final int CP_OUT_BYTES = 3 * 1024 * 1024 + 17;
    private static final long BULK_BYTES = 1024L * 1024 * 1024;
    private static final Duration BULK_TIMEOUT = Duration.ofMinutes(10);
    /** The longest the interactive exec may stall, in the echo of a typed line or between two echoes. */
    private static final Duration MAX_STALL = Duration.ofSeconds(1);
    /** How often a line is typed into the interactive exec while the bulk stream runs. */
    private static final Duration TYPING_INTERVAL = Duration.ofMillis(100);
    /** Fewer typed lines than this while the bulk stream runs would prove nothing. */
    private static final int MIN_LINES_UNDER_LOAD = 20;

    private static final Duration SEEN_TIMEOUT = Duration.ofSeconds(60);

    /** The agent's container; its Pod, in the agent's namespace, runs on the remote runner's Node. */
    private static final String AGENT_CONTAINER = "agent";
    /** 10 MiB and a length that is a multiple of no block size: only the end of stdin ends the command's input. */
    private static final int RUNNER_STDIN_BYTES = 10 * 1024 * 1024 + 12345;
    /** Not a whole number of tar records: GNU tar finishes only when its stdin is closed. */
    private static final int RUNNER_CP_BYTES = 1_000_000;

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
    private static LoopbackEchoServer echo;
    private static KwokNode node;
    private static E2eConnection connection;
    private static E2eClusters.TunnelKubeconfig tunnel;

    @BeforeAll
    static void start() throws Exception {
        clusters = ControlPlaneClusters.start(dir);
        Kubectl remoteAdmin = clusters.remote(0);
        echo = new LoopbackEchoServer();
        node = KwokNode.start(
                remoteAdmin, remoteAdmin.kubeconfig(), dir.resolve("kwok"), Map.of(POD_PORT, echo.port()));
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
        for (AutoCloseable resource : new AutoCloseable[] {tunnel, connection, node, echo, clusters}) {
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

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void execInTheRunnersAgentPodBringsTheCommandsExitCodeBackThroughTheTunnel(Protocol protocol) throws Exception {
        String pod = agentPod();
        Result ok = inAgentPod(protocol, null, "exec", pod, "--", "sh", "-c", "echo ok");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("ok\n");

        Result failed = inAgentPod(protocol, null, "exec", pod, "--", "sh", "-c", "exit 3");
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void execWithStdinInTheRunnersAgentPodEndsTheCommandsInputWhenKubectlsStdinEnds(Protocol protocol)
            throws Exception {
        byte[] data = randomBytes(RUNNER_STDIN_BYTES, 40 + protocol.ordinal());
        Path stdin = Files.write(dir.resolve("runner-stdin-" + protocol + ".bin"), data);

        // sha256sum prints its hash only after the end of its input: the close of kubectl's stdin, through the tunnel
        Result hashed = inAgentPod(protocol, stdin, "exec", "-i", agentPod(), "--", "sha256sum");

        assertThat(hashed.exitCode()).as(hashed.err()).isZero();
        assertThat(hashed.out()).isEqualTo(sha256(stdin) + "  -\n");
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void cpCopiesAFileOfAnySizeIntoAndOutOfTheRunnersAgentPod(Protocol protocol) throws Exception {
        String pod = agentPod();
        Path local = Files.write(
                dir.resolve("runner-in-" + protocol + ".bin"), randomBytes(RUNNER_CP_BYTES, 50 + protocol.ordinal()));
        // the runner runs the agent's container as a process on this machine: the Pod's file system is this one's
        Path inPod = podFiles().resolve("runner-in-" + protocol + ".bin");

        Result in = inAgentPod(protocol, null, "cp", local.toString(), pod + ":" + inPod);
        assertThat(in.exitCode()).as(in.err()).isZero();
        assertThat(sha256(inPod)).isEqualTo(sha256(local));

        Path back = dir.resolve("runner-back-" + protocol + ".bin");
        Result out = inAgentPod(protocol, null, "cp", pod + ":" + inPod, back.toString());
        assertThat(out.exitCode()).as(out.err()).isZero();
        assertThat(sha256(back)).isEqualTo(sha256(local));
    }

    /** The agent's running Pod on the remote runner's Node, found through the tunnel. */
    private static String agentPod() throws Exception {
        Result pods = throughTunnel(
                Protocol.WEBSOCKET,
                "get",
                "pods",
                "-n",
                AgentManifests.REMOTE_NAMESPACE,
                "--field-selector",
                "spec.nodeName=" + LocalRunner.NODE_NAME + ",status.phase=Running",
                "-o",
                "jsonpath={.items[*].metadata.name}");
        assertThat(pods.exitCode()).as(pods.err()).isZero();
        assertThat(pods.out().split(" ")).as("the agent's running Pods").hasSize(1);
        return pods.out().strip();
    }

    /** kubectl {@code args} through the tunnel in the agent's namespace and container. */
    private static Result inAgentPod(Protocol protocol, Path stdin, String... args) throws Exception {
        List<String> scoped = new ArrayList<>(List.of(args));
        scoped.addAll(1, List.of("-n", AgentManifests.REMOTE_NAMESPACE, "-c", AGENT_CONTAINER));
        return throughTunnel(protocol, stdin, scoped.toArray(String[]::new));
    }

    @Test
    void logsFollowShowsALineWrittenAfterItStartedWithinASecond() throws Exception {
        KwokNode.appendLine(node.logsFile(), "written-before-logs-f");
        try (WatchedProcess logs =
                WatchedProcess.start(kubectl("logs", "-f", POD), Map.of(), dir.resolve("logs-f.log"))) {
            logs.awaitSeen("written-before-logs-f", SEEN_TIMEOUT);

            // the first line after the start may wait for kwok's follow loop to watch the file (it re-reads at least
            // once a second); the next one is seen as soon as the file changes
            KwokNode.appendLine(node.logsFile(), "first-line-after-start");
            logs.awaitSeen("first-line-after-start", SEEN_TIMEOUT);
            long written = System.nanoTime();
            KwokNode.appendLine(node.logsFile(), "second-line-after-start");
            long seen = logs.awaitSeen("second-line-after-start", SEEN_TIMEOUT);

            System.out.println(
                    "logs -f: a line seen " + (seen - written) / 1_000 + " microseconds after it was written");
            assertThat(Duration.ofNanos(seen - written)).isLessThan(Duration.ofSeconds(1));
            assertThat(logs.isAlive()).as("kubectl logs -f still follows").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void portForwardCarriesAHundredMebibytesBothWaysAndASecondConnection(Protocol protocol) throws Exception {
        echo.discardReports();
        int localPort = freePort();
        try (WatchedProcess forward = WatchedProcess.start(
                kubectl("port-forward", POD, localPort + ":" + POD_PORT),
                protocol.environment,
                dir.resolve("port-forward-" + protocol + ".log"))) {
            forward.awaitSeen("Forwarding from 127.0.0.1:" + localPort, SEEN_TIMEOUT);

            echoThroughForward(localPort, FORWARDED_BYTES, protocol.ordinal());
            echoThroughForward(localPort, SECOND_CONNECTION_BYTES, 10 + protocol.ordinal());
            assertThat(forward.isAlive()).as(forward.output()).isTrue();
        }
    }

    /** Sends {@code length} random bytes to the echo server through the forward, reads them back, checks both ways. */
    private static void echoThroughForward(int localPort, int length, long seed) throws Exception {
        MessageDigest sent = LoopbackEchoServer.sha256();
        MessageDigest back = LoopbackEchoServer.sha256();
        long read = 0;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), localPort)) {
            socket.setSoTimeout((int) FORWARD_TIMEOUT.toMillis());
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                    out.writeLong(length);
                    Random random = new Random(seed);
                    byte[] chunk = new byte[64 * 1024];
                    for (int left = length; left > 0; left -= chunk.length) {
                        random.nextBytes(chunk);
                        int n = Math.min(left, chunk.length);
                        sent.update(chunk, 0, n);
                        out.write(chunk, 0, n);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            while (read < length) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - read));
                if (n < 0) {
                    break;
                }
                back.update(buffer, 0, n);
                read += n;
            }
            sending.get(FORWARD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        String sentHash = HexFormat.of().formatHex(sent.digest());
        LoopbackEchoServer.Received received = echo.awaitReceived(FORWARD_TIMEOUT);
        assertThat(received)
                .as("what reached the Pod's port")
                .isEqualTo(new LoopbackEchoServer.Received(length, sentHash));
        assertThat(read).as("bytes back from the Pod's port").isEqualTo(length);
        assertThat(HexFormat.of().formatHex(back.digest()))
                .as("SHA-256 of what came back")
                .isEqualTo(sentHash);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void cpCopiesAFileOutOfThePod(Protocol protocol) throws Exception {
        // kwok runs the Pod's commands on this machine, so the Pod's file system is this one's
        Path inPod = Files.write(podFiles().resolve("out-" + protocol + ".bin"), randomBytes(CP_OUT_BYTES, 20));
        Path local = dir.resolve("copied-out-" + protocol + ".bin");

        Result copied = throughTunnel(protocol, "cp", POD + ":" + inPod, local.toString());

        assertThat(copied.exitCode()).as(copied.err()).isZero();
        assertThat(sha256(local)).isEqualTo(sha256(inPod));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void cpCopiesAFileIntoThePodWhenItsArchiveFillsTarsLastRecord(Protocol protocol) throws Exception {
        Path local = Files.write(dir.resolve("in-" + protocol + ".bin"), randomBytes(CP_IN_BYTES, 30));
        Path inPod = podFiles().resolve("in-" + protocol + ".bin");

        Result copied = throughTunnel(protocol, "cp", local.toString(), POD + ":" + inPod);

        assertThat(copied.exitCode()).as(copied.err()).isZero();
        assertThat(sha256(inPod)).isEqualTo(sha256(local));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void execWithATerminalRunsAnInteractiveShell(Protocol protocol) throws Exception {
        try (WatchedProcess shell = WatchedProcess.startInTerminal(
                kubectl("exec", "-it", POD, "--", "sh", "-i"),
                protocol.environment,
                dir.resolve("exec-it-" + protocol + ".log"))) {
            // what is typed shows "6*7"; only the shell that ran it prints 42
            shell.type("echo \"answer-$((6*7))\"\r");
            shell.awaitSeen("answer-42", SEEN_TIMEOUT);
            shell.type("exit 0\r");
            assertThat(shell.awaitExit(SEEN_TIMEOUT)).as(shell.output()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void attachUnderATerminalShowsWhatTheContainerWritesAfterAttaching(Protocol protocol) throws Exception {
        try (WatchedProcess attach = WatchedProcess.startInTerminal(
                kubectl("attach", "-it", POD, "-c", "main"),
                protocol.environment,
                dir.resolve("attach-" + protocol + ".log"))) {
            // kwok follows the file from the moment it serves the attach, which kubectl does not announce: write until
            // a line comes through, then one more
            String marker = "attached-" + protocol + "-";
            long deadline = System.nanoTime() + SEEN_TIMEOUT.toNanos();
            for (int i = 0; attach.firstSeen(marker).isEmpty(); i++) {
                if (System.nanoTime() > deadline || !attach.isAlive()) {
                    throw new AssertionError(
                            "nothing written to the container came through attach; output:\n" + attach.output());
                }
                KwokNode.appendLine(node.attachFile(), marker + i);
                Thread.sleep(250);
            }
            KwokNode.appendLine(node.attachFile(), "after-attached-" + protocol);
            attach.awaitSeen("after-attached-" + protocol, SEEN_TIMEOUT);
            assertThat(attach.isAlive()).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void interactiveExecStaysResponsiveWhileAnotherClientStreamsAGibibyte(Protocol protocol) throws Exception {
        Path bulkErr = dir.resolve("bulk-" + protocol + ".err");
        ProcessBuilder bulkBuilder = new ProcessBuilder(
                        kubectl("exec", POD, "--", "head", "-c", Long.toString(BULK_BYTES), "/dev/zero"))
                .redirectError(bulkErr.toFile());
        bulkBuilder.environment().putAll(protocol.environment);
        Process bulk = bulkBuilder.start();
        bulk.getOutputStream().close();
        AtomicLong streamed = new AtomicLong();
        CompletableFuture<Void> counting = CompletableFuture.runAsync(() -> {
            byte[] buffer = new byte[256 * 1024];
            try (InputStream in = bulk.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    streamed.addAndGet(n);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (WatchedProcess shell = WatchedProcess.startInTerminal(
                kubectl("exec", "-it", POD, "--", "sh", "-i"),
                protocol.environment,
                dir.resolve("exec-it-under-load-" + protocol + ".log"))) {
            shell.type("echo \"ready-$((1+1))\"\r");
            shell.awaitSeen("ready-2", SEEN_TIMEOUT);
            await().atMost(SEEN_TIMEOUT).until(() -> streamed.get() > 16 * 1024 * 1024 || counting.isDone());
            assertThat(counting.isDone()).as("the bulk stream is still running").isFalse();

            // type a line every 100 ms while the bulk stream runs; each echo's arrival is timed. A heartbeat in this
            // JVM
            // measures how long the host left it unscheduled meanwhile: a diagnostic for a failure, not an allowance
            AtomicLong worstOversleep = new AtomicLong();
            Thread heartbeat = LoopbackEchoServer.daemon("heartbeat", () -> {
                while (true) {
                    long before = System.nanoTime();
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                    worstOversleep.accumulateAndGet(System.nanoTime() - before - 10_000_000, Math::max);
                }
            });
            List<Long> typed = new ArrayList<>();
            while (!counting.isDone() && typed.size() < 600) {
                int line = typed.size();
                typed.add(System.nanoTime());
                shell.type("echo \"tick-$((" + line + ")).\"\r");
                Thread.sleep(TYPING_INTERVAL.toMillis());
            }
            assertThat(typed.size())
                    .as("lines typed while %d bytes streamed", streamed.get())
                    .isGreaterThanOrEqualTo(MIN_LINES_UNDER_LOAD);

            long worstRoundTrip = 0;
            int worstLine = 0;
            long worstGap = 0;
            long previous = 0;
            for (int line = 0; line < typed.size(); line++) {
                long seen = shell.awaitSeen("tick-" + line + ".", SEEN_TIMEOUT);
                if (seen - typed.get(line) > worstRoundTrip) {
                    worstRoundTrip = seen - typed.get(line);
                    worstLine = line;
                }
                if (line > 0) {
                    worstGap = Math.max(worstGap, seen - previous);
                }
                previous = seen;
            }
            heartbeat.interrupt();
            String measured = ("%d lines typed while streaming, worst echo %d ms (line %d), worst gap between echoes %d"
                            + " ms; this JVM went unscheduled up to %d ms meanwhile; load average %s")
                    .formatted(
                            typed.size(),
                            worstRoundTrip / 1_000_000,
                            worstLine,
                            worstGap / 1_000_000,
                            worstOversleep.get() / 1_000_000,
                            Files.readString(Path.of("/proc/loadavg")).strip());
            System.out.println(protocol + ": " + measured);
            assertThat(Duration.ofNanos(worstRoundTrip)).as(measured).isLessThan(MAX_STALL);
            assertThat(Duration.ofNanos(worstGap)).as(measured).isLessThan(MAX_STALL);

            shell.type("exit 0\r");
            assertThat(shell.awaitExit(SEEN_TIMEOUT)).as(shell.output()).isZero();
            counting.get(BULK_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(bulk.waitFor(BULK_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(bulk.exitValue()).as(Files.readString(bulkErr)).isZero();
            assertThat(streamed.get()).isEqualTo(BULK_BYTES);
        } finally {
            bulk.destroyForcibly();
        }
    }

    /**
     * The laptop role's own port-forward: {@code kubetunnel kubeconfig NS/C} without {@code --proxy-address} forwards
     * through the management kube-apiserver's {@code pods/portforward} to the connector's tunnel-server Pod, which kcm
     * created and the runner runs on its Node; kube-apiserver dials that Node's kubelet endpoint (the runner's
     * {@code KubeletServer}), as for any node.
     */
    @Test
    void theKubeconfigRolesOwnPortForwardThroughTheRealManagementApiServerToTheTunnelServerPodCarriesKubectl()
            throws Exception {
        String ns = clusters.namespace();
        // the tunnel-server Pod runs on the runner's Node, whose kubelet endpoint serves pods/portforward
        try (KubeconfigRole role = KubeconfigRole.start(
                dir,
                ns + "/" + connection.name(),
                "--kubeconfig",
                clusters.management().kubeconfig().toString())) {
            await().atMost(SEEN_TIMEOUT).until(() -> !role.stdout().isEmpty() || !role.isAlive());
            assertThat(role.stdout()).as(role.stderr()).isNotEmpty();
            // the role prints the kubeconfig, then the line naming the Pod: stderr may lag stdout by a moment
            await().atMost(SEEN_TIMEOUT)
                    .untilAsserted(() -> assertThat(role.stderr())
                            .contains("to pod " + ns + "/" + connection.name() + "-tunnel-server-"));
            assertThat(KubeconfigParser.parse(role.stdout()).proxyUrl()).startsWith("socks5://127.0.0.1:");
            Path printed = Files.writeString(dir.resolve("forwarded.kubeconfig"), role.stdout());
            assertThat(new Kubectl(clusters.kubectl(), printed).run("get", "namespaces", "-o", "name"))
                    .contains("namespace/" + AgentManifests.REMOTE_NAMESPACE);
            assertThat(role.terminate()).as(role.stderr()).isZero();
        }
    }

    private static Path podFiles() throws IOException {
        return Files.createDirectories(dir.resolve("pod-files"));
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static String sha256(Path file) throws IOException {
        return HexFormat.of().formatHex(LoopbackEchoServer.sha256().digest(Files.readAllBytes(file)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** kubectl with the exported kubeconfig, in the test Pod's namespace. */
    private static List<String> kubectl(String... args) {
        List<String> command = new ArrayList<>(
                List.of(clusters.kubectl(), "--kubeconfig", tunnel.file().toString(), "-n", NAMESPACE));
        command.addAll(List.of(args));
        return command;
    }

    private static Result throughTunnel(Protocol protocol, String... args) throws Exception {
        return throughTunnel(protocol, null, args);
    }

    /** Runs kubectl with the exported kubeconfig, its stdin the file {@code stdin} (closed when null). */
    private static Result throughTunnel(Protocol protocol, Path stdin, String... args) throws Exception {
        List<String> command = kubectl(args);
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
