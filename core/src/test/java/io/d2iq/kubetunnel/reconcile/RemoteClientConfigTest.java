package io.d2iq.kubetunnel.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.kubeconfig.HostileKubeconfig;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.fabric8.kubernetes.client.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteClientConfigTest {

    private static final String TUNNEL = "socks5://c-tunnel-server.ns.svc:1080";
    private static final Kubeconfig REGISTERED = Kubeconfig.forServiceAccount(
                    "https://10.96.0.1:443", TestCertificates.selfSigned().certificatePemBytes(), "registered-token")
            .withProxyUrl("socks5://attacker.example:1080");

    @Test
    void carriesServerCaAndTokenAndForcesTheConnectorsTunnelAsProxy() {
        Config config = RemoteClientConfig.of(REGISTERED, TUNNEL, 3_000);

        assertThat(config.getMasterUrl()).isEqualTo("https://10.96.0.1:443/");
        assertThat(config.getCaCertData()).isEqualTo(REGISTERED.certificateAuthorityData());
        assertThat(config.getOauthToken()).isEqualTo("registered-token");
        assertThat(config.getHttpsProxy())
                .as("the Secret's proxy-url is ignored")
                .isEqualTo(TUNNEL);
        assertThat(config.isTrustCerts()).isFalse();
        assertThat(config.getRequestTimeout()).isEqualTo(3_000);
        assertThat(config.getRequestRetryBackoffLimit()).isZero();
    }

    /** The control: the exec fixture the other tests refuse is live, fabric8's own loader runs its command. */
    @Test
    void theExecFixtureIsLiveFabric8sKubeconfigLoaderRunsIt(@TempDir Path dir) {
        Path marker = dir.resolve("pwned");

        Config.fromKubeconfig(HostileKubeconfig.exec(marker).applyTo(REGISTERED.toYaml()));

        assertThat(marker).as("file written by the exec plugin").exists();
    }

    /** What fabric8 would read on its own: a kubeconfig file (here one with an exec plugin), system properties. */
    @Test
    void readsNoKubeconfigFileEnvironmentOrSystemProperty(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("pwned");
        String hostile = HostileKubeconfig.exec(marker).applyTo(REGISTERED.toYaml());
        Path kubeconfigFile = Files.writeString(dir.resolve("config"), hostile);
        Map<String, String> properties = Map.of(
                "kubeconfig",
                kubeconfigFile.toString(),
                Config.KUBERNETES_OAUTH_TOKEN_SYSTEM_PROPERTY,
                "system-property-token",
                Config.KUBERNETES_MASTER_SYSTEM_PROPERTY,
                "https://elsewhere.example:6443",
                Config.KUBERNETES_TRUST_CERT_SYSTEM_PROPERTY,
                "true",
                Config.KUBERNETES_IMPERSONATE_USERNAME,
                "system:admin");
        properties.forEach(System::setProperty);
        try {
            Config config = RemoteClientConfig.of(REGISTERED, TUNNEL, 3_000);
            Config refreshed = config.refresh();

            for (Config c : new Config[] {config, refreshed}) {
                assertThat(c.getMasterUrl()).isEqualTo("https://10.96.0.1:443/");
                assertThat(c.getOauthToken()).isEqualTo("registered-token");
                assertThat(c.getAutoOAuthToken()).isNull();
                assertThat(c.isTrustCerts()).isFalse();
                assertThat(c.getImpersonateUsername()).isNull();
                assertThat(c.getAuthProvider()).isNull();
                assertThat(c.getFile()).isNull();
            }
            assertThat(marker)
                    .as("the exec plugin of the kubeconfig file never ran")
                    .doesNotExist();
        } finally {
            properties.keySet().forEach(System::clearProperty);
        }
    }
}
