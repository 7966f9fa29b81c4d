package io.d2iq.kubetunnel.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.model.AgentAccess;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KubeconfigSecretTest {

    private static final Kubeconfig KUBECONFIG = Kubeconfig.forServiceAccount(
                    "https://10.96.0.1:443", TestCertificates.selfSigned().certificatePemBytes(), "t")
            .withProxyUrl("socks5://east-tunnel-server.fleet.svc:1080");

    private static TunnelConnector connector(String uid) {
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(new ObjectMetaBuilder()
                .withName("east")
                .withNamespace("fleet")
                .withUid(uid)
                .build());
        return connector;
    }

    @Test
    void isNamedByConnectorResourcesOwnedByTheConnectorAndLabelled() {
        Secret secret = KubeconfigSecret.desired(connector("uid-1"), KUBECONFIG, Instant.EPOCH);

        assertThat(secret.getMetadata().getName()).isEqualTo(ConnectorResources.kubeconfigSecretName("east"));
        assertThat(secret.getMetadata().getNamespace()).isEqualTo("fleet");
        assertThat(secret.getMetadata().getLabels())
                .containsEntry(ConnectorResources.CONNECTOR_LABEL, "east")
                .containsEntry("app.kubernetes.io/component", "kubeconfig")
                // the labels of the Secret the controller creates empty: neither writer undoes the other's
                .isEqualTo(AgentAccess.kubeconfigSecret(connector("uid-1"))
                        .getMetadata()
                        .getLabels());
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getUid()).isEqualTo("uid-1");
            assertThat(owner.getKind()).isEqualTo("TunnelConnector");
            assertThat(owner.getController()).isTrue();
        });
        assertThat(secret.getData()).containsOnlyKeys(ConnectorResources.KUBECONFIG_KEY);
    }

    @Test
    void aSecretWithTheSameKubeconfigIsCurrentWhateverItsWriteTime() {
        Secret existing = KubeconfigSecret.desired(connector("uid-1"), KUBECONFIG, Instant.EPOCH);

        assertThat(KubeconfigSecret.isCurrent(
                        existing, KubeconfigSecret.desired(connector("uid-1"), KUBECONFIG, Instant.now())))
                .isTrue();
    }

    @Test
    void anotherKubeconfigOwnerOrMissingLabelIsNotCurrent() {
        Secret desired = KubeconfigSecret.desired(connector("uid-1"), KUBECONFIG, Instant.EPOCH);

        assertThat(KubeconfigSecret.isCurrent(
                        KubeconfigSecret.desired(
                                connector("uid-1"), KUBECONFIG.withProxyUrl("socks5://x:1"), Instant.EPOCH),
                        desired))
                .isFalse();
        assertThat(KubeconfigSecret.isCurrent(
                        KubeconfigSecret.desired(connector("uid-0"), KUBECONFIG, Instant.EPOCH), desired))
                .isFalse();
        Secret unlabelled = new SecretBuilder(desired)
                .editMetadata()
                .withLabels(null)
                .endMetadata()
                .build();
        assertThat(KubeconfigSecret.isCurrent(unlabelled, desired)).isFalse();
    }
}
