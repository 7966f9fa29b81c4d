package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ComponentWorkload;
import io.d2iq.kubetunnel.model.ConnectorInputs;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.model.ConnectorToken;
import io.d2iq.kubetunnel.model.ConnectorWorkloads;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runners, as the demo uses them: the real tunnel-server role on the management API behind the ingress
 * proxy, the real agent role on the remote API dialling it through that Ingress (TLS, WebSocket upgrade), and
 * real kubectl reaching the remote API through the tunnel server's proxy port.
 */
class TunnelAcrossRunnersIT {

    private static final String NS = "kt";
    private static LocalApi management;
    private static LocalApi remote;
    private static LocalRunner managementRunner;
    private static LocalRunner remoteRunner;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        management = LocalApi.start(false);
        remote = LocalApi.start(true);
        for (String crd :
                new String[] {"tunnelconnectors.kubetunnel.d2iq.io-v1.yml", "tunnelgateways.kubetunnel.d2iq.io-v1.yml"
                }) {
            try (InputStream in = Files.newInputStream(Path.of("deploy/crds", crd))) {
                management
                        .client()
                        .apiextensions()
                        .v1()
                        .customResourceDefinitions()
                        .load(in)
                        .create();
            }
        }
        managementRunner = LocalRunner.start(management.client(), RunnerOptions.defaults());
        remoteRunner = LocalRunner.start(remote.client(), RunnerOptions.defaults());
    }

    @AfterAll
    static void stop() {
        remoteRunner.close();
        managementRunner.close();
        remote.close();
        management.close();
    }

    @Test
    void kubectlReachesTheRemoteApiThroughTheTunnelThatTheAgentOpenedThroughTheIngress() throws Exception {
        KubernetesClient mgmt = management.client();
        TunnelGateway gateway = load(mgmt, TunnelGateway.class, "deploy/samples/tunnelgateway.yaml");
        TunnelConnector connector = mgmt.resources(TunnelConnector.class)
                .resource(load(mgmt, TunnelConnector.class, "deploy/samples/tunnelconnector.yaml"))
                .create();
        String name = connector.getMetadata().getName();
        ComponentWorkload tunnelServer =
                ConnectorWorkloads.tunnelServer(new ConnectorInputs(connector, gateway, null, null, null));
        mgmt.secrets()
                .resource(ConnectorToken.secret(connector, ConnectorToken.generate()))
                .create();
        mgmt.services().resource(tunnelServer.service(connector)).create();
        mgmt.network()
                .v1()
                .ingresses()
                .resource(tunnelServer.ingress(connector, gateway.getSpec().getIngress()))
                .create();
        mgmt.apps()
                .deployments()
                .resource(tunnelServer.deployment(connector, ControllerSettings.defaults()))
                .create();
        Secret token = mgmt.secrets()
                .inNamespace(NS)
                .withName(ConnectorResources.agentTokenSecretName(name))
                .get();

        // what the agent manifests carry to the remote cluster: the token and the CA of the gateway's ingress
        remote.client()
                .secrets()
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(AgentManifests.REMOTE_NAMESPACE)
                        .withName(AgentManifests.REMOTE_CONNECTOR_SECRET)
                        .endMetadata()
                        .withData(Map.of(
                                ConnectorResources.TOKEN_KEY,
                                token.getData().get(ConnectorResources.TOKEN_KEY),
                                ConnectorResources.CA_KEY,
                                base64(managementRunner.ingressCaPem())))
                        .build())
                .create();
        String gatewayHost = gateway.getSpec().getIngress().getHost();
        String serverUrl = "wss://" + gatewayHost + ":" + managementRunner.ingressPort()
                + ConnectorResources.tunnelServerPath(
                        gateway.getSpec().getIngress().getUrlPathPrefix(), NS, name);
        remote.client()
                .apps()
                .deployments()
                .resource(agent(serverUrl, gatewayHost))
                .create();

        int proxyPort = managementRunner
                .serviceMap()
                .resolve(NS, tunnelServer.name(), ConnectorResources.PROXY_PORT_NAME)
                .orElseThrow()
                .getPort();
        Path kubeconfig = dir.resolve("through-tunnel.kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: remote
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                    proxy-url: socks5://127.0.0.1:%d
                users:
                - name: remote
                  user:
                    token: any
                contexts:
                - name: remote
                  context: {cluster: remote, user: remote}
                current-context: remote
                """.formatted(remote.url(), base64(remote.caCertificatePem()), proxyPort));

        String version = await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> kubectl(kubeconfig, "get", "--raw", "/version"), out -> out.contains("gitVersion"));
        assertThat(version).contains("gitVersion");
        assertThat(Files.readString(remoteRunner.logFile(
                        AgentManifests.REMOTE_NAMESPACE, "Deployment", AgentManifests.REMOTE_AGENT_NAME)))
                .isNotEmpty();
    }

    /** The agent resolves the gateway's host to the management runner's ingress, as the agent manifests pin it. */
    private static Deployment agent(String serverUrl, String gatewayHost) {
        String mount = AgentManifests.CONNECTOR_MOUNT_DIR;
        return new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace(AgentManifests.REMOTE_NAMESPACE)
                .withName(AgentManifests.REMOTE_AGENT_NAME)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(Map.of("app", "agent"))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(Map.of("app", "agent"))
                .endMetadata()
                .withNewSpec()
                .addNewHostAlias()
                .withIp("127.0.0.1")
                .withHostnames(gatewayHost)
                .endHostAlias()
                .addNewContainer()
                .withName("agent")
                .withImage(ControllerSettings.DEFAULT_IMAGE)
                .withArgs(
                        "agent",
                        "--server-url",
                        serverUrl,
                        "--token-file",
                        mount + "/" + ConnectorResources.TOKEN_KEY,
                        "--ca-file",
                        mount + "/" + ConnectorResources.CA_KEY)
                .addNewVolumeMount()
                .withName("connector")
                .withMountPath(mount)
                .withReadOnly(true)
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("connector")
                .withNewSecret()
                .withSecretName(AgentManifests.REMOTE_CONNECTOR_SECRET)
                .endSecret()
                .endVolume()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static String kubectl(Path kubeconfig, String... args) throws Exception {
        String[] command = new String[args.length + 4];
        command[0] = "/usr/bin/kubectl";
        command[1] = "--kubeconfig";
        command[2] = kubeconfig.toString();
        command[3] = "--request-timeout=5s";
        System.arraycopy(args, 0, command, 4, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return out;
    }

    private static <T extends HasMetadata> T load(KubernetesClient client, Class<T> type, String file)
            throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            T item = client.resources(type).load(in).item();
            item.getMetadata().setNamespace(NS);
            return item;
        }
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
