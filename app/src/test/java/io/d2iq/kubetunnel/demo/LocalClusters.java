package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewaySpec;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The suite's clusters on this machine: the demo's system without its sample connector (management and remote
 * embedded APIs, their runners, the CRDs, the controller, the gateway CA Secret), and a second remote cluster
 * started when a test first asks for it.
 */
final class LocalClusters implements E2eClusters {

    private static final String KUBECTL = "kubectl";
    private static final String SECOND_REMOTE = "remote-b";

    private final Demo demo;
    private final Kubectl management;
    private final TunnelGatewaySpec gatewaySpec;
    private final List<Demo.LocalCluster> remotes = new ArrayList<>();

    private LocalClusters(Demo demo, TunnelGatewaySpec gatewaySpec) {
        this.demo = demo;
        this.management = new Kubectl(KUBECTL, demo.management().kubeconfigFile());
        this.gatewaySpec = gatewaySpec;
        remotes.add(new Demo.LocalCluster(demo.remote(), demo.remoteRunner()));
    }

    static LocalClusters start(Path dir) throws Exception {
        Demo demo = new Demo(dir, KUBECTL, STATE_TIMEOUT, System.out);
        try {
            demo.startSystem();
            Path samples = demo.writeLocalSamples();
            new Kubectl(KUBECTL, demo.management().kubeconfigFile())
                    .run("apply", "-f", samples.resolve("ca-secret.yaml").toString());
            TunnelGateway gateway = Serialization.unmarshal(
                    Files.readString(samples.resolve("tunnelgateway.yaml")), TunnelGateway.class);
            return new LocalClusters(demo, gateway.getSpec());
        } catch (Exception | Error e) {
            demo.close();
            throw e;
        }
    }

    @Override
    public Kubectl management() {
        return management;
    }

    @Override
    public KubernetesClient managementClient() {
        return demo.management().client();
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
        return new Kubectl(KUBECTL, localRemote(index).api().kubeconfigFile());
    }

    private synchronized Demo.LocalCluster localRemote(int index) {
        if (index == 1 && remotes.size() == 1) {
            remotes.add(demo.startRemote(SECOND_REMOTE));
        }
        return remotes.get(index);
    }

    @Override
    public TunnelKubeconfig reach(String connector, String kubeconfig) throws Exception {
        Path file = Files.writeString(
                Files.createTempFile(demo.out(), connector + "-", ".kubeconfig"),
                demo.reachableFromHere(kubeconfig, namespace(), connector));
        return new TunnelKubeconfig(file, () -> file.toFile().delete());
    }

    /** Seen beyond the API: the remote runner runs a process for the agent Deployment. */
    @Override
    public boolean agentRunning(int index) {
        return localRemote(index)
                .runner()
                .runsDeployment(AgentManifests.REMOTE_NAMESPACE, AgentManifests.REMOTE_AGENT_NAME);
    }

    @Override
    public void close() {
        demo.close();
    }
}
