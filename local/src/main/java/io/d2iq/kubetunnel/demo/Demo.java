package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.controller.ControllerApplication;
import io.d2iq.kubetunnel.controller.ControllerOptions;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import io.d2iq.kubetunnel.local.runner.LocalRunner;
import io.d2iq.kubetunnel.local.runner.RunnerOptions;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The whole system on one machine: a management and a remote embedded API (TLS), the controller, and a
 * local runner on each side playing kubelet, token controller, garbage collector and ingress controller.
 * Given a control plane directory ({@code demo --control-plane DIR}), the two clusters are real instead (etcd,
 * kube-apiserver and kube-controller-manager from {@code tools/control-plane}) and the runners play only their
 * kubelet and ingress controller. Every step a user would take with kubectl is taken with the real kubectl.
 */
final class Demo implements AutoCloseable {

    static final String NAMESPACE = "default";
    static final String CONNECTOR = "demo-cluster";

    private final Path out;
    private final String kubectlExecutable;
    private final Duration timeout;
    private final PrintStream log;
    private final Path controlPlane;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final CertificateAuthority gatewayCa = CertificateAuthority.generate("kubetunnel demo gateway CA");
    private Kubectl managementKubectl;
    private LocalRunner managementRunner;
    private LocalRunner remoteRunner;
    private LocalApi management;
    private LocalApi remote;
    private KubernetesClient managementClient;
    private Path remoteKubeconfig;
    private StateTimeline timeline;

    Demo(Path out, String kubectlExecutable, Duration timeout, PrintStream log) {
        this(out, kubectlExecutable, timeout, log, null);
    }

    /** @param controlPlane directory of the control plane's binaries for real clusters; null for embedded APIs */
    Demo(Path out, String kubectlExecutable, Duration timeout, PrintStream log, Path controlPlane) {
        this.out = out;
        this.kubectlExecutable = kubectlExecutable;
        this.timeout = timeout;
        this.log = log;
        this.controlPlane = controlPlane;
    }

    /** Runs every step; a step that fails throws {@link DemoStepFailed} with a one-line reason. */
    void run() throws Exception {
        startSystem();
        connectSamples();
    }

    /**
     * The system without any connector: the management and remote APIs with their runners, the CRDs and the
     * controller. The end-to-end suite starts this once and adds its own gateways and connectors.
     */
    void startSystem() throws Exception {
        Kubectl.requireInstalled(kubectlExecutable);
        Files.createDirectories(out);
        KubernetesClient controllerClient;
        if (controlPlane == null) {
            step("starting the management and remote embedded APIs (TLS)");
            management = started(LocalApi.start(0, true, out.resolve("management.kubeconfig")));
            remote = started(LocalApi.start(0, true, out.resolve("remote.kubeconfig")));
            managementKubectl = new Kubectl(kubectlExecutable, management.kubeconfigFile());
            managementClient = management.client();
            remoteKubeconfig = remote.kubeconfigFile();

            step("starting the local runners (kubelet, token controller, garbage collector, ingress controller)");
            managementRunner = started(LocalRunner.start(
                    management.client(),
                    RunnerOptions.defaults()
                            .withWorkDir(out.resolve("management-runner"))
                            .withIngressCa(gatewayCa)
                            .withApiCa(management.caCertificatePem())));
            remoteRunner = startRunner(remote, "remote-runner");
            controllerClient = started(management.newClient());
        } else {
            step(
                    "starting the management and remote control planes (etcd, kube-apiserver, kube-controller-manager from "
                            + controlPlane + ")");
            ControlPlane managementPlane = started(startControlPlane("management"));
            ControlPlane remotePlane = started(startControlPlane("remote"));
            Path managementKubeconfig = Files.copy(
                    managementPlane.adminKubeconfig(),
                    out.resolve("management.kubeconfig"),
                    StandardCopyOption.REPLACE_EXISTING);
            remoteKubeconfig = Files.copy(
                    remotePlane.adminKubeconfig(),
                    out.resolve("remote.kubeconfig"),
                    StandardCopyOption.REPLACE_EXISTING);
            managementKubectl = new Kubectl(kubectlExecutable, managementKubeconfig);
            managementClient = started(managementPlane.adminClient());

            step("starting the local runners as kubelets of Node " + LocalRunner.NODE_NAME
                    + " and ingress controllers");
            managementRunner = started(LocalRunner.startKubelet(
                    started(managementPlane.adminClient()),
                    RunnerOptions.defaults()
                            .withWorkDir(out.resolve("management-runner"))
                            .withIngressCa(gatewayCa)
                            .withApiCa(managementPlane.caPem())));
            remoteRunner = started(LocalRunner.startKubelet(
                    started(remotePlane.adminClient()),
                    RunnerOptions.defaults()
                            .withWorkDir(out.resolve("remote-runner"))
                            .withApiCa(remotePlane.caPem())));
            controllerClient = started(managementPlane.adminClient());
        }

        step("kubectl apply -f deploy/crds/ on the management cluster");
        managementKubectl.run(
                "apply",
                "-f",
                DemoResources.copy(DemoResources.CRDS, out.resolve("crds")).toString());
        if (controlPlane != null) {
            // the embedded API serves a CRD as soon as it is stored; a real one once it is Established
            managementKubectl.run(
                    "wait",
                    "--for=condition=Established",
                    "--timeout=60s",
                    "crd/tunnelgateways.kubetunnel.d2iq.io",
                    "crd/tunnelconnectors.kubetunnel.d2iq.io");
        }
        step("starting the controller");
        Path routes = DemoResources.copy(List.of(DemoResources.ROUTES), out.resolve("routes"));
        ControllerOptions options = new ControllerOptions(
                routes,
                new ControllerSettings("kubetunnel:local", ControllerSettings.DEFAULT_AGENT_CLUSTER_ROLE),
                "",
                Duration.ofSeconds(60),
                2,
                0,
                null,
                false);
        ControllerApplication controller =
                started(new ControllerApplication(controllerClient, options, managementRunner.addressResolver()));
        controller.start();
    }

    private ControlPlane startControlPlane(String name) {
        try {
            return ControlPlane.start(name, out.resolve(name + "-cluster"), controlPlane);
        } catch (IllegalStateException e) {
            throw new DemoStepFailed(e.getMessage());
        }
    }

    /** The demo's connector from deploy/samples: applied, its agent applied on the remote cluster, used through the tunnel. */
    private void connectSamples() throws Exception {
        Kubectl remoteKubectl = new Kubectl(kubectlExecutable, remoteKubeconfig);
        step("kubectl apply -f deploy/samples/ on the management cluster (with the demo's gateway CA)");
        timeline = started(new StateTimeline(managementClient, NAMESPACE, CONNECTOR));
        managementKubectl.run("apply", "-f", writeLocalSamples().toString());

        step("waiting for Listening");
        timeline.awaitState(TunnelConnectorState.Listening, timeout);

        step("kubectl apply the agent manifests (Secret " + ConnectorResources.agentManifestsSecretName(CONNECTOR)
                + ") on the remote cluster");
        String manifests = secretValue(
                managementKubectl,
                NAMESPACE,
                ConnectorResources.agentManifestsSecretName(CONNECTOR),
                "manifests\\.yaml");
        Path manifestsFile = Files.writeString(out.resolve("manifests.yaml"), manifests);
        remoteKubectl.run("apply", "-f", manifestsFile.toString());

        step("waiting for Connected");
        timeline.awaitState(TunnelConnectorState.Connected, timeout);

        step(
                "exporting the kubeconfig Secret and running kubectl get namespaces on the remote cluster through the tunnel");
        String kubeconfig = secretValue(
                managementKubectl, NAMESPACE, ConnectorResources.kubeconfigSecretName(CONNECTOR), "kubeconfig");
        Path tunnelKubeconfig = Files.writeString(
                out.resolve("tunnel.kubeconfig"), reachableFromHere(kubeconfig, NAMESPACE, CONNECTOR));
        String namespaces = new Kubectl(kubectlExecutable, tunnelKubeconfig).run("get", "namespaces");
        log.println();
        log.println("$ kubectl --kubeconfig " + tunnelKubeconfig + " get namespaces");
        log.print(namespaces);
        log.println();
        log.println("State timeline of " + NAMESPACE + "/" + CONNECTOR + ":");
        timeline.print(log);
    }

    /** An embedded API and the local runner that plays its cluster. */
    record LocalCluster(LocalApi api, LocalRunner runner) {}

    /**
     * One more remote cluster, stopped with the demo: an embedded TLS API whose kubeconfig is {@code <name>.kubeconfig}
     * and its runner, working under {@code <name>-runner}.
     */
    LocalCluster startRemote(String name) {
        LocalApi api = started(LocalApi.start(0, true, out.resolve(name + ".kubeconfig")));
        return new LocalCluster(api, startRunner(api, name + "-runner"));
    }

    private LocalRunner startRunner(LocalApi api, String workDir) {
        return started(LocalRunner.start(
                api.client(),
                RunnerOptions.defaults().withWorkDir(out.resolve(workDir)).withApiCa(api.caCertificatePem())));
    }

    /** Where the demo writes kubeconfigs, samples and the runners' work directories. */
    Path out() {
        return out;
    }

    /** A client of the management cluster (embedded or real), once {@link #run()} started it. */
    KubernetesClient managementClient() {
        return managementClient;
    }

    /** The remote cluster's admin kubeconfig, once {@link #run()} started it. */
    Path remoteKubeconfig() {
        return remoteKubeconfig;
    }

    /** The management cluster's embedded API, once {@link #run()} started it; null on real control planes. */
    LocalApi management() {
        return management;
    }

    /** The remote cluster's embedded API, once {@link #run()} started it; null on real control planes. */
    LocalApi remote() {
        return remote;
    }

    /** The runner of the remote cluster's API. */
    LocalRunner remoteRunner() {
        return remoteRunner;
    }

    /** The demo connector's states so far. */
    StateTimeline timeline() {
        return timeline;
    }

    /** Prints what to try while everything stays up. */
    void printHoldInstructions() {
        log.println();
        log.println("Everything keeps running until you press Ctrl-C. Try:");
        log.println("  kubectl --kubeconfig " + out.resolve("management.kubeconfig")
                + " get tunnelgateways,tunnelconnectors");
        log.println("  kubectl --kubeconfig " + out.resolve("management.kubeconfig") + " describe tunnelconnector "
                + CONNECTOR);
        log.println("  kubectl --kubeconfig " + out.resolve("tunnel.kubeconfig") + " get pods -A -w");
        log.println("  kubectl --kubeconfig " + out.resolve("remote.kubeconfig") + " get all -n kubetunnel");
        log.println("Role logs: " + managementRunner.workDir().resolve("logs") + " and "
                + out.resolve("remote-runner").resolve("logs"));
    }

    /**
     * Writes deploy/samples into {@code <out>/samples} and returns that directory. The samples are as they are,
     * but for the CA Secret: it carries the CA of the local ingress controller, whose key the demo holds (the
     * sample's CA key was never kept). The Ingress address comes from the Ingress status that the local ingress
     * controller writes, as in a real cluster.
     */
    Path writeLocalSamples() throws IOException {
        Path dir = Files.createDirectories(out.resolve("samples"));
        for (String resource : DemoResources.SAMPLES) {
            HasMetadata object = Serialization.unmarshal(DemoResources.read(resource));
            if (object instanceof Secret secret) {
                secret.getData()
                        .put(
                                ConnectorResources.CA_KEY,
                                Base64.getEncoder()
                                        .encodeToString(
                                                gatewayCa.certificatePem().getBytes(StandardCharsets.UTF_8)));
            }
            Files.writeString(dir.resolve(Path.of(resource).getFileName().toString()), Serialization.asYaml(object));
        }
        return dir;
    }

    /** The kubeconfig of a connector with its proxy-url (a Service DNS name) mapped to the loopback port the runner gave that Service. */
    String reachableFromHere(String kubeconfig, String namespace, String connector) {
        return withProxyUrl(kubeconfig, namespace, connector, managementRunner::rewrite);
    }

    /** The kubeconfig with the proxy-url that names the connector's tunnel-server Service replaced by {@code rewrite} of it. */
    static String withProxyUrl(String kubeconfig, String namespace, String connector, UnaryOperator<URI> rewrite) {
        String serviceProxy = "socks5://" + ConnectorResources.tunnelServerHost(namespace, connector);
        int start = kubeconfig.indexOf(serviceProxy);
        if (start < 0) {
            throw new DemoStepFailed("the kubeconfig Secret has no proxy-url " + serviceProxy + ":<port>");
        }
        int end = start;
        while (end < kubeconfig.length()
                && !Character.isWhitespace(kubeconfig.charAt(end))
                && kubeconfig.charAt(end) != '"') {
            end++;
        }
        String proxyUrl = kubeconfig.substring(start, end);
        return kubeconfig.replace(proxyUrl, rewrite.apply(URI.create(proxyUrl)).toString());
    }

    /** A Secret's value, decoded; {@code escapedKey} as kubectl's jsonpath wants it (dots escaped). */
    static String secretValue(Kubectl kubectl, String namespace, String secret, String escapedKey) {
        String encoded =
                kubectl.run("get", "secret", secret, "-n", namespace, "-o", "jsonpath={.data." + escapedKey + "}");
        return new String(Base64.getDecoder().decode(encoded.strip()), StandardCharsets.UTF_8);
    }

    private <T extends AutoCloseable> T started(T resource) {
        running.add(0, resource);
        return resource;
    }

    private void step(String what) {
        log.println("==> " + what);
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable resource : running) {
            try {
                resource.close();
            } catch (Exception e) {
                log.println("(while stopping: " + e.getMessage() + ")");
            }
        }
        running.clear();
    }
}
