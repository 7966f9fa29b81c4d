package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.Test;

class LocalApiKubeconfigTest {

    @Test
    void aPlainHttpKubeconfigNamesTheServerTheDefaultNamespaceAndTheUncheckedToken() {
        String yaml = LocalApi.kubeconfigFor("http://127.0.0.1:1234", null).toYaml();

        Config config = Config.fromKubeconfig(yaml);

        assertThat(config.getMasterUrl()).startsWith("http://127.0.0.1:1234");
        assertThat(config.getNamespace()).isEqualTo("default");
        assertThat(yaml).contains("local-api-unchecked");
        assertThat(config.getCurrentContext().getName()).isEqualTo("local-api");
        assertThat(yaml).doesNotContain("certificate-authority-data");
    }

    @Test
    void aTlsKubeconfigCarriesTheCaAsBase64() {
        String yaml = LocalApi.kubeconfigFor("https://127.0.0.1:1234", "-----BEGIN CERTIFICATE-----\n")
                .toYaml();

        assertThat(Config.fromKubeconfig(yaml).getCaCertData()).isEqualTo("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==");
    }
}
