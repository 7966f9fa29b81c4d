package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One connector of the suite, set up as a user does it with kubectl: its own TunnelGateway and TunnelConnector
 * on the management cluster, then, once Listening, the agent manifests applied on a remote cluster. Closing it
 * removes both sides, so the next test finds the remote cluster as it was.
 */
final class E2eConnection implements AutoCloseable {

    private final E2eClusters clusters;
    private final String name;
    private final int remote;
    private final Path dir;
    private final StateTimeline timeline;
    private Path appliedManifests;

    private E2eConnection(E2eClusters clusters, String name, int remote, Path dir) {
        this.clusters = clusters;
        this.name = name;
        this.remote = remote;
        this.dir = dir;
        this.timeline = new StateTimeline(clusters.managementClient(), clusters.namespace(), name);
    }

    /** Applies a gateway and connector named after {@code name}, the agent on remote cluster {@code remote}, and waits for Connected. */
    static E2eConnection connect(E2eClusters clusters, String name, int remote, Path dir) throws Exception {
        E2eConnection connection =
                new E2eConnection(clusters, name, remote, Files.createDirectories(dir.resolve(name)));
        try {
            connection.applyGatewayAndConnector();
            connection.timeline.awaitState(TunnelConnectorState.Listening, E2eClusters.STATE_TIMEOUT);
            connection.applyManifests();
            connection.timeline.awaitState(TunnelConnectorState.Connected, E2eClusters.STATE_TIMEOUT);
            return connection;
        } catch (Exception | Error e) {
            connection.close();
            throw e;
        }
    }

    private void applyGatewayAndConnector() throws Exception {
        TunnelGateway gateway = new TunnelGateway();
        gateway.setMetadata(new ObjectMetaBuilder()
                .withName(gateway())
                .withNamespace(clusters.namespace())
                .build());
        gateway.setSpec(clusters.gatewaySpec());
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(clusters.namespace())
                .build());
        TunnelConnectorSpec spec = new TunnelConnectorSpec();
        spec.setGatewayRef(new LocalObjectReference(gateway()));
        connector.setSpec(spec);
        Path file = Files.writeString(dir.resolve("connector.yaml"), yamlDocument(gateway) + yamlDocument(connector));
        clusters.management().run("apply", "-f", file.toString());
    }

    private static String yamlDocument(Object object) {
        String yaml = Serialization.asYaml(object);
        return yaml.startsWith("---") ? yaml : "---\n" + yaml;
    }

    String name() {
        return name;
    }

    /** The connector's own TunnelGateway. */
    String gateway() {
        return name + "-gw";
    }

    StateTimeline timeline() {
        return timeline;
    }

    /** kubectl on the remote cluster of this connector. */
    Kubectl remote() {
        return clusters.remote(remote);
    }

    /** The agent manifests as the controller currently writes them. */
    String manifests() {
        return Demo.secretValue(
                clusters.management(),
                clusters.namespace(),
                ConnectorResources.agentManifestsSecretName(name),
                "manifests\\.yaml");
    }

    /** Saves the current manifests as the user's copy and applies them on the remote cluster. */
    void applyManifests() throws Exception {
        Path file = Files.writeString(dir.resolve("manifests.yaml"), manifests());
        remote().run("apply", "-f", file.toString());
        appliedManifests = file;
    }

    /** The manifests file the user applied last. */
    Path appliedManifests() {
        return appliedManifests;
    }

    /** Runs kubectl on the remote cluster through the tunnel, with the kubeconfig exported from the connector's Secret. */
    String throughTunnel(String... args) throws Exception {
        String kubeconfig = Demo.secretValue(
                clusters.management(),
                clusters.namespace(),
                ConnectorResources.kubeconfigSecretName(name),
                "kubeconfig");
        try (E2eClusters.TunnelKubeconfig tunnel = clusters.reach(name, kubeconfig)) {
            return new Kubectl(clusters.kubectl(), tunnel.file()).run(args);
        }
    }

    /** Removes what the user applied on the remote cluster, then the connector and its gateway. */
    @Override
    public void close() {
        try {
            if (appliedManifests != null) {
                remote().run("delete", "--ignore-not-found", "-f", appliedManifests.toString());
            }
            clusters.management()
                    .run(
                            "delete",
                            "--ignore-not-found",
                            "-n",
                            clusters.namespace(),
                            "tunnelconnector/" + name,
                            "tunnelgateway/" + gateway());
        } finally {
            timeline.close();
        }
    }
}
