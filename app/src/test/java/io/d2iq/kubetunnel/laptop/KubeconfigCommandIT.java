package io.d2iq.kubetunnel.laptop;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.kubeconfig.HostileKubeconfig;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.local.LocalApiExtension;
import io.d2iq.kubetunnel.model.ConnectorLabels;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kubeconfig} role as a process against the embedded API, with the connector, its Secret and its tunnel-server
 * Pod written by the test: every refusal is a one-line reason on stderr, nothing on stdout, and its own exit code.
 */
class KubeconfigCommandIT {

    @RegisterExtension
    final LocalApiExtension api = LocalApiExtension.plain();

    @TempDir
    Path dir;

    private KubernetesClient client;
    private TunnelConnector connector;

    private static final String VALID = Kubeconfig.forServiceAccount(
                    "https://10.96.0.1:443", TestCertificates.selfSigned().certificatePemBytes(), "remote-token")
            .withProxyUrl("socks5://west-tunnel-server.hub.svc:1080")
            .toYaml();

    @BeforeEach
    void connector() {
        client = api.client();
        TunnelConnector c = new TunnelConnector();
        c.setMetadata(
                new ObjectMetaBuilder().withName("west").withNamespace("hub").build());
        c.setSpec(new TunnelConnectorSpec());
        connector = client.resources(TunnelConnector.class)
                .inNamespace("hub")
                .resource(c)
                .create();
    }

    private void setState(TunnelConnectorState state, String reason, String message) {
        TunnelConnector withStatus = client.resources(TunnelConnector.class)
                .inNamespace("hub")
                .withName("west")
                .get();
        withStatus.setStatus(
                LaptopKubeconfigTest.connector(state, reason, message).getStatus());
        client.resources(TunnelConnector.class)
                .inNamespace("hub")
                .resource(withStatus)
                .updateStatus();
    }

    private void storeKubeconfig(String kubeconfig) {
        client.secrets()
                .inNamespace("hub")
                .resource(LaptopKubeconfigTest.secret(kubeconfig))
                .createOr(e -> e.update());
    }

    private KubeconfigRole run(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--kubeconfig";
        all[1] = api.api().kubeconfigFile().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return KubeconfigRole.start(dir, all);
    }

    private void assertRefused(int exitCode, String reason, String... args) throws Exception {
        try (KubeconfigRole role = run(args)) {
            assertThat(role.exitCode()).as(role.stderr()).isEqualTo(exitCode);
            assertThat(role.stdout()).isEmpty();
            assertThat(role.stderr().strip())
                    .doesNotContain("\n")
                    .startsWith("kubeconfig: ")
                    .contains(reason);
        }
    }

    @Test
    void aMissingConnectorExitsThree() throws Exception {
        assertRefused(3, "TunnelConnector hub/east not found", "hub/east");
    }

    @Test
    void aConnectorThatIsNotConnectedExitsFourNamingItsStateAndReason() throws Exception {
        setState(
                TunnelConnectorState.Listening,
                "AgentNotConnected",
                "apply the manifests in Secret west-agent-manifests");
        assertRefused(
                4,
                "is not Connected: state Listening, reason AgentNotConnected: apply the manifests in Secret west-agent-manifests",
                "hub/west");
    }

    @Test
    void aMissingOrEmptyKubeconfigSecretExitsFive() throws Exception {
        setState(TunnelConnectorState.Connected, null, null);
        assertRefused(5, "Secret hub/west-kubeconfig of connector hub/west not found", "hub/west");
        storeKubeconfig(null);
        assertRefused(5, "holds no kubeconfig", "hub/west");
    }

    @Test
    void aStoredKubeconfigTheParserRefusesExitsSixWithTheParsersReason() throws Exception {
        setState(TunnelConnectorState.Connected, null, null);
        storeKubeconfig(HostileKubeconfig.exec(dir.resolve("never-written")).applyTo(VALID));
        assertRefused(6, "kubeconfig refused: ", "hub/west");
        assertThat(dir.resolve("never-written")).doesNotExist();
    }

    @Test
    void noRunningTunnelServerPodExitsSeven() throws Exception {
        setState(TunnelConnectorState.Connected, null, null);
        storeKubeconfig(VALID);
        tunnelServerPod("Pending");
        assertRefused(7, "no running tunnel-server Pod in hub for connector hub/west", "hub/west");
    }

    @Test
    void anApiThatDoesNotServePortForwardExitsEightAndPointsAtProxyAddress() throws Exception {
        setState(TunnelConnectorState.Connected, null, null);
        storeKubeconfig(VALID);
        tunnelServerPod("Running");
        assertRefused(8, "--proxy-address HOST:PORT", "hub/west");
    }

    @Test
    void withProxyAddressTheKubeconfigIsPrintedAloneOnStdoutAndTheRoleExitsZero() throws Exception {
        setState(TunnelConnectorState.Connected, null, null);
        storeKubeconfig(VALID);
        try (KubeconfigRole role = run("hub/west", "--proxy-address", "127.0.0.1:31080")) {
            assertThat(role.exitCode()).as(role.stderr()).isZero();
            Kubeconfig printed = KubeconfigParser.parse(role.stdout());
            assertThat(printed.proxyUrl()).isEqualTo("socks5://127.0.0.1:31080");
            assertThat(printed.server()).isEqualTo("https://10.96.0.1:443");
        }
    }

    @Test
    void anUnreadableManagementKubeconfigExitsOne() throws Exception {
        try (KubeconfigRole role = KubeconfigRole.start(
                dir,
                "hub/west",
                "--kubeconfig",
                dir.resolve("absent.kubeconfig").toString())) {
            assertThat(role.exitCode()).as(role.stderr()).isEqualTo(1);
            assertThat(role.stdout()).isEmpty();
            assertThat(role.stderr().strip()).doesNotContain("\n").startsWith("kubeconfig: cannot read kubeconfig ");
        }
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        try (KubeconfigRole role = run("west")) {
            assertThat(role.exitCode()).isEqualTo(2);
            assertThat(role.stdout()).isEmpty();
            assertThat(role.stderr()).contains("expected NAMESPACE/CONNECTOR, got west");
        }
        try (KubeconfigRole role = run("hub/west", "--proxy-address", "socks5://x:1")) {
            assertThat(role.exitCode()).isEqualTo(2);
        }
    }

    private void tunnelServerPod(String phase) {
        Pod pod = new PodBuilder()
                .withNewMetadata()
                .withName("west-tunnel-server-abc")
                .withNamespace("hub")
                .withLabels(ConnectorLabels.labels(connector, ConnectorLabels.TUNNEL_SERVER))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("tunnel-server")
                .withImage("kubetunnel:local")
                .addNewPort()
                .withName(ConnectorResources.PROXY_PORT_NAME)
                .withContainerPort(1080)
                .endPort()
                .endContainer()
                .endSpec()
                .build();
        Pod created = client.pods().inNamespace("hub").resource(pod).create();
        created.setStatus(new PodStatusBuilder().withPhase(phase).build());
        client.pods().inNamespace("hub").resource(created).updateStatus();
    }
}
