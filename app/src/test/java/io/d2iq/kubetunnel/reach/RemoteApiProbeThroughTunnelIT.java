package io.d2iq.kubetunnel.reach;

import static io.d2iq.kubetunnel.reach.RemoteClusterBehindTunnel.CONNECTOR;
import static io.d2iq.kubetunnel.reach.RemoteClusterBehindTunnel.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.kubeconfig.InvalidKubeconfigException;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.model.ConnectorInputs;
import io.d2iq.kubetunnel.reconcile.ConnectorFacts.ProbeResult;
import io.d2iq.kubetunnel.reconcile.KubeconfigRemoteApiProbe;
import java.net.URI;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The controller's probe against the kubeconfig the webhook wrote, with the remote API reachable only through
 * the tunnel's SOCKS5 port: it proves the probe's client honours {@code proxy-url: socks5://} (stopping the
 * agent must break it, although the remote API itself stays up and directly reachable on loopback). The probe
 * reaches the connector's tunnel-server proxy port through its {@code ServiceAddressResolver}, here mapped to the
 * fixture's proxy port, whatever the kubeconfig's proxy-url says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedRemoteCluster.class)
class RemoteApiProbeThroughTunnelIT {

    /** The controller's rule: state follows the facts within 10 s. */
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private RemoteClusterBehindTunnel cluster;
    private KubeconfigRemoteApiProbe probe;

    @BeforeAll
    void start(RemoteClusterBehindTunnel shared) {
        cluster = shared;
    }

    @BeforeEach
    void newProbe() {
        cluster.tunnel.awaitConnected();
        probe = new KubeconfigRemoteApiProbe((namespace, service, port) ->
                URI.create("http://127.0.0.1:" + cluster.tunnel.proxy().getPort()));
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    @Test
    void getVersionSucceedsOnlyWhileTheAgentCarriesIt() throws Exception {
        String kubeconfig = cluster.register(cluster.remote.url(), cluster.remote.caCertificatePem());
        assertThat(kubeconfig)
                .contains("proxy-url: \"socks5://127.0.0.1:"
                        + cluster.tunnel.proxy().getPort() + "\"")
                .contains("server: \"" + cluster.remote.url() + "\"");
        double streamsBefore = cluster.streamsOpenedOnTunnelServer();

        ProbeResult connected = probe(kubeconfig);

        assertThat(connected.success()).as(connected.message()).isTrue();
        assertThat(connected.reason()).isEqualTo("RemoteApiReachable");
        assertThat(cluster.streamsOpenedOnTunnelServer())
                .as("streams opened on the tunnel server")
                .isGreaterThan(streamsBefore);

        cluster.tunnel.stopAgent();
        await().atMost(WITHIN).until(() -> !cluster.tunnel.server().agentConnected());
        ProbeResult dropped = probe(kubeconfig);
        assertThat(dropped.success()).isFalse();
        assertThat(dropped.reason()).as(dropped.message()).isEqualTo("RemoteApiUnreachable");
        assertThat(cluster.remote.client().getKubernetesVersion())
                .as("the remote API itself is still up")
                .isNotNull();

        cluster.startAgent();
        cluster.tunnel.awaitConnected();
        await().atMost(WITHIN).until(() -> probe(kubeconfig).success());
    }

    @Test
    void aProxyUrlRewrittenInTheSecretIsIgnoredTheProbeUsesTheConnectorsTunnel() throws Exception {
        String registered = cluster.register(cluster.remote.url(), cluster.remote.caCertificatePem());
        String elsewhere = registered.replace(
                "socks5://127.0.0.1:" + cluster.tunnel.proxy().getPort(), "socks5://127.0.0.1:1");
        double streamsBefore = cluster.streamsOpenedOnTunnelServer();

        ProbeResult result = probe(elsewhere);

        assertThat(result.success()).as(result.message()).isTrue();
        assertThat(cluster.streamsOpenedOnTunnelServer())
                .as("streams opened on the tunnel server")
                .isGreaterThan(streamsBefore);
    }

    @Test
    void aSecretWithoutProxyUrlStillNeverSendsTheTokenAroundTheTunnel() throws Exception {
        String registered = cluster.register(cluster.rejecting.url(), cluster.rejecting.caCertificatePem());
        String direct =
                registered.lines().filter(line -> !line.contains("proxy-url")).collect(Collectors.joining("\n"));
        cluster.tunnel.stopAgent();
        await().atMost(WITHIN).until(() -> !cluster.tunnel.server().agentConnected());
        int answeredBefore = cluster.rejecting.requests();

        ProbeResult result = probe(direct);

        cluster.startAgent();
        assertThat(result.reason()).as(result.message()).isEqualTo("RemoteApiUnreachable");
        assertThat(cluster.rejecting.requests())
                .as("requests that reached the server directly")
                .isEqualTo(answeredBefore);
    }

    @Test
    void aTokenTheRemoteApiRejectsIsRemoteCredentialsRejected() throws Exception {
        String kubeconfig = cluster.register(cluster.rejecting.url(), cluster.rejecting.caCertificatePem());
        int answeredBefore = cluster.rejecting.requests();

        ProbeResult rejected = probe(kubeconfig);

        assertThat(rejected.success()).isFalse();
        assertThat(rejected.reason()).as(rejected.message()).isEqualTo("RemoteCredentialsRejected");
        assertThat(rejected.message()).contains("401").doesNotContain("remote-service-account-token");
        assertThat(cluster.rejecting.requests())
                .as("requests that reached the rejecting server")
                .isGreaterThan(answeredBefore);
    }

    @Test
    void withNoAgentTheRejectingServerIsNeverAskedAndTheReasonIsUnreachable() throws Exception {
        String kubeconfig = cluster.register(cluster.rejecting.url(), cluster.rejecting.caCertificatePem());
        cluster.tunnel.stopAgent();
        await().atMost(WITHIN).until(() -> !cluster.tunnel.server().agentConnected());
        int answeredBefore = cluster.rejecting.requests();

        ProbeResult result = probe(kubeconfig);

        cluster.startAgent();
        assertThat(result.reason()).as(result.message()).isEqualTo("RemoteApiUnreachable");
        assertThat(cluster.rejecting.requests())
                .as("no request bypassed the tunnel")
                .isEqualTo(answeredBefore);
    }

    @Test
    void theServerNameReachesTheAgentUnresolvedSoTheRemoteSideResolvesIt() throws Exception {
        String byName =
                cluster.register("https://localhost:" + cluster.remote.port(), cluster.remote.caCertificatePem());
        assertThat(probe(byName).success())
                .as("localhost:<remote port> is on the allow-list")
                .isTrue();

        // 127.0.0.1:<rejecting port> is allowed but localhost:<rejecting port> is not: a name resolved here would pass
        String rejectingByName =
                cluster.register("https://localhost:" + cluster.rejecting.port(), cluster.rejecting.caCertificatePem());
        int answeredBefore = cluster.rejecting.requests();
        ProbeResult refused = probe(rejectingByName);

        assertThat(refused.reason()).as(refused.message()).isEqualTo("RemoteApiUnreachable");
        assertThat(cluster.rejecting.requests()).isEqualTo(answeredBefore);
    }

    private ProbeResult probe(String kubeconfig) throws InvalidKubeconfigException {
        TunnelConnector connector = cluster.management
                .client()
                .resources(TunnelConnector.class)
                .inNamespace(NAMESPACE)
                .withName(CONNECTOR)
                .get();
        return probe.probe(new ConnectorInputs(connector, null, null, null, null), KubeconfigParser.parse(kubeconfig));
    }
}
