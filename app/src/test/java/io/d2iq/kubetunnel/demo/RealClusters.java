package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewaySpec;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ConnectorLabels;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The suite's clusters when they are real: a management cluster with kubetunnel installed
 * ({@code kubectl apply -k deploy/}) and one or two remote clusters, each given by a kubeconfig. The proxy port
 * of a connector's tunnel server is reached with {@code kubectl port-forward}.
 */
final class RealClusters implements E2eClusters {

    private static final String KUBECTL = "kubectl";
    private static final Pattern FORWARDING = Pattern.compile("Forwarding from 127\\.0\\.0\\.1:(\\d+) ->");

    /**
     * Where the clusters are; each value from a system property, else the environment variable.
     *
     * @param management {@code kubetunnel.e2e.kubeconfig} / {@code KUBETUNNEL_E2E_KUBECONFIG}: the management cluster
     * @param remote {@code kubetunnel.e2e.remote-kubeconfig} / {@code KUBETUNNEL_E2E_REMOTE_KUBECONFIG}; default: the management cluster
     * @param secondRemote {@code kubetunnel.e2e.remote-b-kubeconfig} / {@code KUBETUNNEL_E2E_REMOTE_B_KUBECONFIG}; null: the two-cluster test is skipped
     * @param namespace {@code kubetunnel.e2e.namespace} / {@code KUBETUNNEL_E2E_NAMESPACE}; default {@code default}
     * @param gateway {@code kubetunnel.e2e.gateway} / {@code KUBETUNNEL_E2E_GATEWAY}: a TunnelGateway whose ingress works in the management cluster
     */
    record Settings(Path management, Path remote, Path secondRemote, String namespace, Path gateway) {

        static Optional<Settings> fromEnvironment() {
            String management = setting("kubetunnel.e2e.kubeconfig", "KUBETUNNEL_E2E_KUBECONFIG");
            if (management == null) {
                return Optional.empty();
            }
            String gateway = setting("kubetunnel.e2e.gateway", "KUBETUNNEL_E2E_GATEWAY");
            if (gateway == null) {
                throw new IllegalStateException("KUBETUNNEL_E2E_KUBECONFIG is set but KUBETUNNEL_E2E_GATEWAY is not: "
                        + "name a file with a TunnelGateway whose ingress works in that cluster (docs/e2e.md)");
            }
            String remote = setting("kubetunnel.e2e.remote-kubeconfig", "KUBETUNNEL_E2E_REMOTE_KUBECONFIG");
            String secondRemote = setting("kubetunnel.e2e.remote-b-kubeconfig", "KUBETUNNEL_E2E_REMOTE_B_KUBECONFIG");
            String namespace = setting("kubetunnel.e2e.namespace", "KUBETUNNEL_E2E_NAMESPACE");
            return Optional.of(new Settings(
                    Path.of(management),
                    Path.of(remote != null ? remote : management),
                    secondRemote == null ? null : Path.of(secondRemote),
                    namespace != null ? namespace : "default",
                    Path.of(gateway)));
        }

        private static String setting(String property, String variable) {
            String value = System.getProperty(property, System.getenv(variable));
            return value == null || value.isBlank() ? null : value;
        }
    }

    private final Settings settings;
    private final Path dir;
    private final Kubectl management;
    private final KubernetesClient client;
    private final TunnelGatewaySpec gatewaySpec;

    RealClusters(Settings settings, Path dir) throws IOException {
        this.settings = settings;
        this.dir = dir;
        Kubectl.requireInstalled(KUBECTL);
        this.management = new Kubectl(KUBECTL, settings.management());
        this.client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Files.readString(settings.management())))
                .build();
        this.gatewaySpec = Serialization.unmarshal(Files.readString(settings.gateway()), TunnelGateway.class)
                .getSpec();
    }

    @Override
    public Kubectl management() {
        return management;
    }

    @Override
    public KubernetesClient managementClient() {
        return client;
    }

    @Override
    public String namespace() {
        return settings.namespace();
    }

    @Override
    public TunnelGatewaySpec gatewaySpec() {
        return Serialization.clone(gatewaySpec);
    }

    @Override
    public Kubectl remote(int index) {
        if (index == 0) {
            return new Kubectl(KUBECTL, settings.remote());
        }
        Assumptions.assumeTrue(
                settings.secondRemote() != null, "no second remote cluster: set KUBETUNNEL_E2E_REMOTE_B_KUBECONFIG");
        return new Kubectl(KUBECTL, settings.secondRemote());
    }

    @Override
    public boolean servesPortForward() {
        return true;
    }

    /** {@code kubectl port-forward} to the tunnel-server Service's proxy port, stopped on close. */
    @Override
    public TunnelKubeconfig reach(String connector, String kubeconfig) throws Exception {
        List<Process> forwards = new ArrayList<>();
        Runnable release = () -> forwards.forEach(Process::destroy);
        try {
            String local = Demo.withProxyUrl(kubeconfig, namespace(), connector, proxyUrl -> {
                Process forward = portForward(ConnectorResources.tunnelServerName(connector), proxyUrl.getPort());
                forwards.add(forward);
                return URI.create("socks5://127.0.0.1:" + localPort(forward));
            });
            Path file = Files.writeString(Files.createTempFile(dir, connector + "-", ".kubeconfig"), local);
            return new TunnelKubeconfig(file, () -> {
                release.run();
                file.toFile().delete();
            });
        } catch (RuntimeException e) {
            release.run();
            throw e;
        }
    }

    private Process portForward(String service, int port) {
        try {
            return new ProcessBuilder(
                            KUBECTL,
                            "--kubeconfig",
                            settings.management().toString(),
                            "-n",
                            namespace(),
                            "port-forward",
                            "service/" + service,
                            ":" + port)
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new DemoStepFailed("cannot run kubectl port-forward: " + e.getMessage());
        }
    }

    /** The local port that kubectl reports; its output is read to the end so it never blocks on a full pipe. */
    private static int localPort(Process forward) {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(forward.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = out.readLine(); line != null; line = out.readLine()) {
                            Matcher matcher = FORWARDING.matcher(line);
                            if (matcher.find()) {
                                port.complete(Integer.parseInt(matcher.group(1)));
                            }
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                    port.completeExceptionally(new DemoStepFailed("kubectl port-forward ended without forwarding"));
                },
                "port-forward-output");
        reader.setDaemon(true);
        reader.start();
        try {
            return port.get(Kubectl.CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            forward.destroy();
            throw new DemoStepFailed("kubectl port-forward did not start: " + e);
        }
    }

    @Override
    public boolean agentRunning(int index) {
        return !remote(index)
                .run(
                        "get",
                        "pods",
                        "-n",
                        AgentManifests.REMOTE_NAMESPACE,
                        "--ignore-not-found",
                        "-o",
                        "name",
                        "-l",
                        "app.kubernetes.io/component=" + ConnectorLabels.AGENT,
                        "--field-selector=status.phase=Running")
                .isBlank();
    }

    @Override
    public void close() {
        client.close();
    }
}
