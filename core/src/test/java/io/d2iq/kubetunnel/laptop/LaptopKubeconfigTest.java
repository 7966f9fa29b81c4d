package io.d2iq.kubetunnel.laptop;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorStatus;
import io.d2iq.kubetunnel.kubeconfig.HostileKubeconfig;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaptopKubeconfigTest {

    private static final String VALID = Kubeconfig.forServiceAccount(
                    "https://10.96.0.1:443", TestCertificates.selfSigned().certificatePemBytes(), "remote-token")
            .withProxyUrl("socks5://west-tunnel-server.hub.svc:1080")
            .toYaml();

    static TunnelConnector connector(TunnelConnectorState state, String reason, String message) {
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(
                new ObjectMetaBuilder().withName("west").withNamespace("hub").build());
        TunnelConnectorStatus status = new TunnelConnectorStatus();
        status.setState(state);
        if (reason != null) {
            status.setConditions(List.of(new ConditionBuilder()
                    .withType("Ready")
                    .withStatus("False")
                    .withReason(reason)
                    .withMessage(message)
                    .build()));
        }
        connector.setStatus(status);
        return connector;
    }

    static Secret secret(String kubeconfig) {
        SecretBuilder secret = new SecretBuilder()
                .withNewMetadata()
                .withName(ConnectorResources.kubeconfigSecretName("west"))
                .withNamespace("hub")
                .endMetadata();
        if (kubeconfig != null) {
            secret.addToData(
                    ConnectorResources.KUBECONFIG_KEY,
                    Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8)));
        }
        return secret.build();
    }

    private static LaptopKubeconfig.Refused refusal(TunnelConnector connector, Secret secret) {
        try {
            LaptopKubeconfig.build("hub", "west", connector, secret, "socks5://127.0.0.1:1");
        } catch (LaptopKubeconfig.Refused e) {
            return e;
        }
        throw new AssertionError("not refused");
    }

    @Test
    void aConnectedConnectorsKubeconfigComesBackWithOnlyItsProxyUrlReplaced() throws Exception {
        Kubeconfig kubeconfig = LaptopKubeconfig.build(
                "hub",
                "west",
                connector(TunnelConnectorState.Connected, null, null),
                secret(VALID),
                "socks5://127.0.0.1:40123");

        assertThat(kubeconfig.proxyUrl()).isEqualTo("socks5://127.0.0.1:40123");
        assertThat(kubeconfig.server()).isEqualTo("https://10.96.0.1:443");
        assertThat(kubeconfig.credentials().token()).isEqualTo("remote-token");
    }

    @Test
    void aMissingConnectorIsRefusedWithExitThree() {
        LaptopKubeconfig.Refused refused = refusal(null, null);
        assertThat(refused.exitCode()).isEqualTo(3);
        assertThat(refused).hasMessage("TunnelConnector hub/west not found");
    }

    @Test
    void aConnectorThatIsNotConnectedIsRefusedWithItsStateReasonAndMessage() {
        LaptopKubeconfig.Refused refused = refusal(
                connector(
                        TunnelConnectorState.Listening,
                        "AgentNotConnected",
                        "apply the manifests\non the remote cluster"),
                secret(VALID));
        assertThat(refused.exitCode()).isEqualTo(4);
        assertThat(refused)
                .hasMessage("TunnelConnector hub/west is not Connected: state Listening, reason AgentNotConnected: "
                        + "apply the manifests on the remote cluster");

        TunnelConnector fresh = connector(null, null, null);
        fresh.setStatus(null);
        assertThat(refusal(fresh, secret(VALID)))
                .hasMessage("TunnelConnector hub/west is not Connected: state (none yet)");
    }

    @Test
    void aMissingOrEmptySecretIsRefusedWithExitFive() {
        TunnelConnector connected = connector(TunnelConnectorState.Connected, null, null);
        assertThat(refusal(connected, null).exitCode()).isEqualTo(5);
        assertThat(refusal(connected, null)).hasMessage("Secret hub/west-kubeconfig of connector hub/west not found");
        assertThat(refusal(connected, secret(null)).exitCode()).isEqualTo(5);
        assertThat(refusal(connected, secret("")).exitCode()).isEqualTo(5);
        assertThat(refusal(connected, secret(null))).hasMessageContaining("holds no kubeconfig");
    }

    @Test
    void aKubeconfigTheParserRefusesIsRefusedWithExitSixAndTheParsersReason() {
        TunnelConnector connected = connector(TunnelConnectorState.Connected, null, null);
        String hostile = HostileKubeconfig.exec(Path.of("/tmp/never-written")).applyTo(VALID);

        LaptopKubeconfig.Refused refused = refusal(connected, secret(hostile));

        assertThat(refused.exitCode()).isEqualTo(6);
        assertThat(refused.getMessage())
                .startsWith("Secret hub/west-kubeconfig: kubeconfig refused: ")
                .contains("exec");
        Secret notBase64 = secret(null);
        notBase64.getData().put(ConnectorResources.KUBECONFIG_KEY, "%%%");
        assertThat(refusal(connected, notBase64).exitCode()).isEqualTo(6);
    }
}
