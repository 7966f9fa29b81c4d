package io.d2iq.kubetunnel.kubeconfig;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KubeconfigTest {

    private static final TestCertificates CERTS = TestCertificates.selfSigned();

    @Test
    void serviceAccountKubeconfigPointsAtTheServerWithCaAndToken() {
        String yaml = Kubeconfig.forServiceAccount("https://10.96.0.1:443", CERTS.certificatePemBytes(), "sa-token")
                .toYaml();

        Config config = Config.fromKubeconfig(yaml);
        assertThat(config.getMasterUrl()).startsWith("https://10.96.0.1:443");
        assertThat(config.getAutoOAuthToken()).isEqualTo("sa-token");
        assertThat(new String(Base64.getDecoder().decode(config.getCaCertData())))
                .isEqualTo(CERTS.certificatePem());
    }

    @Test
    void builtKubeconfigPassesTheParserUnchanged() throws Exception {
        Kubeconfig built =
                Kubeconfig.forServiceAccount("https://10.96.0.1:443", CERTS.certificatePemBytes(), "sa-token");

        assertThat(KubeconfigParser.parse(built.toYaml())).isEqualTo(built);
    }

    @Test
    void proxyUrlIsWrittenOnTheClusterEntryAndReadByClients() throws Exception {
        Kubeconfig proxied = Kubeconfig.forServiceAccount("https://10.96.0.1:443", CERTS.certificatePemBytes(), "t")
                .withProxyUrl("socks5://c-tunnel-server.ns.svc:1080");

        assertThat(proxied.toYaml()).contains("proxy-url: \"socks5://c-tunnel-server.ns.svc:1080\"");
        assertThat(Config.fromKubeconfig(proxied.toYaml()).getHttpsProxy())
                .isEqualTo("socks5://c-tunnel-server.ns.svc:1080");
    }
}
