package io.d2iq.kubetunnel.laptop;

import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.PortForward;
import io.fabric8.kubernetes.client.http.WebSocketHandshakeException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback port whose every connection is forwarded, through the management API's {@code pods/portforward}, to the
 * {@code proxy} port of a running tunnel-server Pod. The Pod is looked up again for each connection, so a restarted or
 * rescheduled tunnel server is picked up without restarting the forward.
 */
public final class TunnelServerForward implements AutoCloseable {

    /**
     * How long the start-up probe waits for the tunnel server's answer through the port-forward. Generous: the first
     * WebSocket of a cold JVM on a loaded machine took longer than 15 s once (CI), and a false "no answer" ends the role.
     */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
    /** SOCKS5 method selection offering "no authentication": the tunnel server's proxy port answers it at once. */
    private static final byte[] SOCKS5_GREETING = {5, 1, 0};

    private static final byte SOCKS5_VERSION = 5;
    private static final Duration PROBE_POLL = Duration.ofMillis(100);

    /** A tunnel-server Pod and its proxy container port. */
    public record Target(String pod, int port) {}

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, String> selector;
    private final PrintStream status;
    private final Set<PortForward> open = ConcurrentHashMap.newKeySet();
    private volatile String lastPod;
    private ServerSocketChannel server;
    private Thread acceptor;

    /** Forwards to the Pods matching {@code selector} in {@code namespace}; status lines go to {@code status}. */
    public TunnelServerForward(
            KubernetesClient client, String namespace, Map<String, String> selector, PrintStream status) {
        this.client = client;
        this.namespace = namespace;
        this.selector = selector;
        this.status = status;
    }

    /** The running tunnel-server Pod to forward to now (Ready first, then the newest), if any. */
    public Optional<Target> resolve() {
        List<Pod> pods =
                client.pods().inNamespace(namespace).withLabels(selector).list().getItems();
        return pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p ->
                        p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .sorted(Comparator.comparing(TunnelServerForward::isReady)
                        .reversed()
                        .thenComparing(
                                p -> Objects.toString(p.getMetadata().getCreationTimestamp(), ""),
                                Comparator.reverseOrder()))
                .flatMap(
                        p -> proxyPort(p).map(port -> new Target(p.getMetadata().getName(), port)).stream())
                .findFirst();
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static Optional<Integer> proxyPort(Pod pod) {
        return pod.getSpec().getContainers().stream()
                .map(Container::getPorts)
                .filter(Objects::nonNull)
                .flatMap(List::stream)
                .filter(p -> ConnectorResources.PROXY_PORT_NAME.equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .filter(Objects::nonNull)
                .findFirst();
    }

    /**
     * Opens one port-forward to {@code target}, sends a SOCKS5 greeting and waits for the tunnel server's answer; empty
     * when it came, else why not. A real API server accepts the WebSocket before it dials the Node's kubelet, so only an
     * answer from the proxy port itself proves the path (the embedded API refuses the upgrade; a Node without a
     * reachable kubelet fails after it).
     */
    public Optional<String> probe(Target target) throws IOException, InterruptedException {
        Pipe toPod = Pipe.open();
        CompletableFuture<Byte> answer = new CompletableFuture<>();
        WritableByteChannel fromPod = new WritableByteChannel() {
            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                if (n > 0) {
                    answer.complete(src.get(src.position()));
                    src.position(src.limit());
                }
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
                answer.completeExceptionally(new IOException("closed before the proxy port answered"));
            }
        };
        try (PortForward forward = client.pods()
                .inNamespace(namespace)
                .withName(target.pod())
                .portForward(target.port(), toPod.source(), fromPod)) {
            toPod.sink().write(ByteBuffer.wrap(SOCKS5_GREETING));
            long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (answer.isDone()) {
                    try {
                        return answer.join() == SOCKS5_VERSION
                                ? Optional.empty()
                                : Optional.of("the proxy port answered, but not as SOCKS5");
                    } catch (CompletionException e) {
                        return Optional.of(
                                forward.errorOccurred()
                                        ? reason(forward)
                                        : e.getCause().getMessage());
                    }
                }
                if (forward.errorOccurred()) {
                    return Optional.of(reason(forward));
                }
                Thread.sleep(PROBE_POLL.toMillis());
            }
            return Optional.of(
                    forward.errorOccurred()
                            ? reason(forward)
                            : "no answer from the proxy port within " + PROBE_TIMEOUT.toSeconds() + " s");
        } finally {
            toPod.sink().close();
        }
    }

    private static String reason(PortForward forward) {
        List<Throwable> errors = new ArrayList<>(forward.getClientThrowables());
        errors.addAll(forward.getServerThrowables());
        if (errors.isEmpty()) {
            return "the port-forward failed";
        }
        Throwable first = errors.get(0);
        if (first instanceof WebSocketHandshakeException handshake && handshake.getResponse() != null) {
            return "HTTP " + handshake.getResponse().code() + " to the port-forward upgrade";
        }
        return first.toString().replace('\n', ' ');
    }

    /** Binds 127.0.0.1:{@code localPort} (0: a free port) and starts forwarding; returns the bound port. */
    public int start(int localPort) throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort));
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        acceptor = new Thread(this::accept, "kubeconfig-forward-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
        return port;
    }

    private void accept() {
        while (server.isOpen()) {
            SocketChannel connection;
            try {
                connection = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                status.println("kubeconfig: accept failed: " + e.getMessage());
                continue;
            }
            forward(connection);
        }
    }

    private void forward(SocketChannel connection) {
        try {
            Optional<Target> target = resolve();
            if (target.isEmpty()) {
                status.println("kubeconfig: no running tunnel-server Pod in " + namespace
                        + " (restarting?); connection refused");
                connection.close();
                return;
            }
            if (!target.get().pod().equals(lastPod)) {
                lastPod = target.get().pod();
                status.println("kubeconfig: forwarding to pod " + namespace + "/" + lastPod + " port "
                        + target.get().port());
            }
            PortForward forward = client.pods()
                    .inNamespace(namespace)
                    .withName(target.get().pod())
                    .portForward(target.get().port(), connection, connection);
            open.add(forward);
            open.removeIf(f -> !f.isAlive());
        } catch (RuntimeException | IOException e) {
            status.println("kubeconfig: cannot forward a connection: " + e.getMessage());
            try {
                connection.close();
            } catch (IOException ignored) {
                // already failing; the client sees the connection close
            }
        }
    }

    @Override
    public void close() {
        try {
            if (server != null) {
                server.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
        for (PortForward forward : open) {
            try {
                forward.close();
            } catch (IOException ignored) {
                // closing: the connection goes with it
            }
        }
        open.clear();
    }
}
