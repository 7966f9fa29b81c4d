package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewaySpec;
import io.d2iq.kubetunnel.controller.ControllerApplication;
import io.d2iq.kubetunnel.controller.ControllerOptions;
import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import io.d2iq.kubetunnel.local.runner.LocalRunner;
import io.d2iq.kubetunnel.local.runner.RunnerOptions;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.real.ControlPlaneBinaries;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The suite's clusters as real control planes on this machine (etcd, kube-apiserver, kube-controller-manager from
 * {@code tools/control-plane}), each with a kubelet-mode local runner that binds, runs and reports the Pods kcm
 * creates and serves its Ingresses; the CRDs applied with the built kubectl, the controller in this JVM as the demo
 * runs it (its address resolver and proxy-url rewriter the management runner's). kcm's garbage collector, token
 * controller, ReplicaSet, Deployment and Job controllers do the rest, and RBAC is enforced for every role process.
 */
final class ControlPlaneClusters implements E2eClusters {

    private final Path dir;
    private final String kubectl;
    private final CertificateAuthority gatewayCa = CertificateAuthority.generate("kubetunnel e2e gateway CA");
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<Cluster> remotes = new ArrayList<>();
    private Cluster management;
    private KubernetesClient managementClient;
    private ControllerApplication controller;
    private KubernetesClient controllerClient;
    private TunnelGatewaySpec gatewaySpec;

    /** A control plane and the runner that plays its kubelet and ingress controller. */
    record Cluster(ControlPlane plane, LocalRunner runner) {}

    private ControlPlaneClusters(Path dir, String kubectl) {
        this.dir = dir;
        this.kubectl = kubectl;
    }

    static ControlPlaneClusters start(Path dir) throws Exception {
        ControlPlaneClusters clusters =
                new ControlPlaneClusters(dir, ControlPlaneBinaries.kubectl().toString());
        try {
            clusters.startSystem();
            return clusters;
        } catch (Exception | Error e) {
            clusters.close();
            throw e;
        }
    }

    private void startSystem() throws Exception {
        management = startCluster("management", gatewayCa);
        remotes.add(startCluster("remote", null));
        managementClient = started(management.plane().adminClient());
        Kubectl kubectl = management();
        kubectl.run("apply", "-f", "deploy/crds/");
        kubectl.run(
                "wait",
                "--for=condition=Established",
                "--timeout=60s",
                "crd/tunnelgateways.kubetunnel.d2iq.io",
                "crd/tunnelconnectors.kubetunnel.d2iq.io");
        // the sample CA Secret, carrying the CA of the management runner's ingress controller (whose key the suite
        // holds)
        Secret ca = Serialization.unmarshal(Files.readString(Path.of("deploy/samples/ca-secret.yaml")), Secret.class);
        ca.getData()
                .put(
                        ConnectorResources.CA_KEY,
                        Base64.getEncoder()
                                .encodeToString(gatewayCa.certificatePem().getBytes(StandardCharsets.UTF_8)));
        kubectl.run(
                "apply",
                "-f",
                Files.writeString(dir.resolve("ca-secret.yaml"), Serialization.asYaml(ca))
                        .toString());
        gatewaySpec = Serialization.unmarshal(
                        Files.readString(Path.of("deploy/samples/tunnelgateway.yaml")), TunnelGateway.class)
                .getSpec();
        startController();
    }

    private Cluster startCluster(String name, CertificateAuthority ingressCa) throws IOException {
        ControlPlane plane = started(ControlPlaneBinaries.start(name, dir.resolve(name)));
        RunnerOptions options = RunnerOptions.defaults()
                .withWorkDir(dir.resolve(name + "-runner"))
                .withApiCa(plane.caPem());
        KubernetesClient admin = started(plane.adminClient());
        LocalRunner runner = started(
                LocalRunner.startKubelet(admin, ingressCa == null ? options : options.withIngressCa(ingressCa)));
        return new Cluster(plane, runner);
    }

    /** The controller as the demo runs it, as the cluster admin (ControllerOnRealApiServerIT proves its own RBAC). */
    void startController() throws Exception {
        ControllerOptions options = new ControllerOptions(
                Path.of("routes"),
                new ControllerSettings("kubetunnel:local", ControllerSettings.DEFAULT_AGENT_CLUSTER_ROLE),
                "",
                Duration.ofSeconds(60),
                2,
                0,
                null,
                false);
        LocalRunner runner = management.runner();
        controllerClient = management.plane().adminClient();
        controller = new ControllerApplication(controllerClient, options, runner.addressResolver());
        controller.start();
    }

    /** Stops the controller, so that only Kubernetes acts on the management cluster. */
    void stopController() {
        if (controller != null) {
            controller.close();
            controller = null;
            controllerClient.close();
        }
    }

    /** The management control plane and its runner. */
    Cluster managementCluster() {
        return management;
    }

    @Override
    public String kubectl() {
        return kubectl;
    }

    @Override
    public Kubectl management() {
        return new Kubectl(kubectl, management.plane().adminKubeconfig());
    }

    @Override
    public KubernetesClient managementClient() {
        return managementClient;
    }

    @Override
    public String namespace() {
        return Demo.NAMESPACE;
    }

    @Override
    public TunnelGatewaySpec gatewaySpec() {
        return Serialization.clone(gatewaySpec);
    }

    @Override
    public Kubectl remote(int index) {
        return new Kubectl(kubectl, remoteCluster(index).plane().adminKubeconfig());
    }

    private synchronized Cluster remoteCluster(int index) {
        if (index == 1 && remotes.size() == 1) {
            try {
                remotes.add(startCluster("remote-b", null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return remotes.get(index);
    }

    @Override
    public TunnelKubeconfig reach(String connector, String kubeconfig) throws Exception {
        Path file = Files.writeString(
                Files.createTempFile(dir, connector + "-", ".kubeconfig"),
                Demo.withProxyUrl(kubeconfig, namespace(), connector, management.runner()::rewrite));
        return new TunnelKubeconfig(file, () -> file.toFile().delete());
    }

    /** The runner's Node serves the kubelet's WebSocket port-forward, where kube-apiserver dials for pods/portforward. */
    @Override
    public boolean servesPortForward() {
        return true;
    }

    /** Seen beyond the API: the remote runner runs a process for a Pod of the agent Deployment. */
    @Override
    public boolean agentRunning(int index) {
        return remoteCluster(index)
                .runner()
                .runsDeployment(AgentManifests.REMOTE_NAMESPACE, AgentManifests.REMOTE_AGENT_NAME);
    }

    private <T extends AutoCloseable> T started(T resource) {
        running.add(0, resource);
        return resource;
    }

    @Override
    public void close() {
        stopController();
        for (AutoCloseable resource : running) {
            try {
                resource.close();
            } catch (Exception e) {
                System.err.println("(while stopping: " + e + ")");
            }
        }
        running.clear();
    }
}
