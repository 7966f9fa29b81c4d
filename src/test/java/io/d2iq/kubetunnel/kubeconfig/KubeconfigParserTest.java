package io.d2iq.kubetunnel.kubeconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KubeconfigParserTest {

    private static final String CA = Base64.getEncoder().encodeToString(
            TestCertificates.selfSigned().certificatePem().getBytes(StandardCharsets.UTF_8));

    static String kubeconfig(String server, String user) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: remote
                  cluster:
                    server: %s
                    certificate-authority-data: %s
                users:
                - name: sa
                  user:
                %s
                contexts:
                - name: ctx
                  context:
                    cluster: remote
                    user: sa
                current-context: ctx
                """.formatted(server, CA, user.indent(4).stripTrailing());
    }

    static String tokenKubeconfig() {
        return kubeconfig("https://10.96.0.1:443", "token: secret-token");
    }

    @Test
    void acceptsATokenKubeconfigAndKeepsServerCaAndToken() throws Exception {
        Kubeconfig parsed = KubeconfigParser.parse(tokenKubeconfig());

        assertThat(parsed.server()).isEqualTo("https://10.96.0.1:443");
        assertThat(parsed.certificateAuthorityData()).isEqualTo(CA);
        assertThat(parsed.credentials().token()).isEqualTo("secret-token");
        assertThat(parsed.clusterName()).isEqualTo("remote");
        assertThat(parsed.userName()).isEqualTo("sa");
        assertThat(parsed.contextName()).isEqualTo("ctx");
    }

    @Test
    void acceptsAClientCertificateKubeconfig() throws Exception {
        String data = Base64.getEncoder().encodeToString("pem".getBytes(StandardCharsets.UTF_8));
        Kubeconfig parsed = KubeconfigParser.parse(kubeconfig("https://api.example:6443",
                "client-certificate-data: " + data + "\nclient-key-data: " + data));

        assertThat(parsed.credentials().hasClientCertificate()).isTrue();
        assertThat(parsed.credentials().hasToken()).isFalse();
    }

    @Test
    void refusesAKubeconfigWithNoClusters() {
        assertInvalid(tokenKubeconfig().replaceAll("(?s)clusters:.*?users:", "clusters: []\nusers:"),
                "has 0 clusters: exactly one is required");
    }

    @Test
    void refusesAKubeconfigWithTwoClusters() {
        String second = "- name: other\n  cluster:\n    server: https://other:443\n    certificate-authority-data: " + CA + "\nusers:";
        assertInvalid(tokenKubeconfig().replaceFirst("users:", second), "has 2 clusters: exactly one is required");
    }

    @Test
    void refusesTextThatIsNotYaml() {
        assertInvalid("this: is: not: yaml: [", "not a YAML kubeconfig");
        assertInvalid("just a sentence", "not a YAML kubeconfig");
        assertInvalid("", "empty");
    }

    @Test
    void refusesEmptyEntriesAndWrongShapes() {
        assertInvalid(tokenKubeconfig().replaceAll("(?s)clusters:.*?users:", "clusters: [null]\nusers:"), "cluster");
        assertInvalid(tokenKubeconfig().replaceAll("(?s)users:.*?contexts:", "users:\n-\ncontexts:"), "user");
        assertInvalid(tokenKubeconfig().replaceAll("(?s)contexts:.*?current-context", "contexts: [{name: ctx}]\ncurrent-context"),
                "context 'ctx' is empty");
        assertInvalid("- a\n- list", "not a YAML kubeconfig");
        assertInvalid("kind: Secret", "kind is 'Secret'");
    }

    @Test
    void parseErrorsDoNotQuoteTheInput() {
        assertThatThrownBy(() -> KubeconfigParser.parse("token: very-secret-token: [oops"))
                .isInstanceOf(InvalidKubeconfigException.class)
                .message().doesNotContain("very-secret-token");
    }

    @Test
    void refusesAPlainHttpServer() {
        assertInvalid(kubeconfig("http://10.96.0.1:80", "token: t"), "not an https URL: http://10.96.0.1:80");
    }

    @Test
    void refusesAMissingCa() {
        assertInvalid(tokenKubeconfig().replaceFirst("    certificate-authority-data: .*\n", ""), "no certificate-authority-data");
    }

    @Test
    void refusesACaGivenAsAFilePath() {
        assertInvalid(tokenKubeconfig().replaceFirst("certificate-authority-data: .*\n", "certificate-authority: /etc/ca.crt\n"),
                "file path");
    }

    @Test
    void refusesACaThatIsNotACertificate() {
        assertInvalid(tokenKubeconfig().replace(CA, Base64.getEncoder().encodeToString("junk".getBytes(StandardCharsets.UTF_8))),
                "not a base64 PEM certificate");
    }

    @Test
    void refusesInsecureSkipTlsVerify() {
        assertInvalid(tokenKubeconfig().replaceFirst("    server:", "    insecure-skip-tls-verify: true\n    server:"),
                "insecure-skip-tls-verify");
    }

    @Test
    void refusesAUserWithoutCredentials() {
        assertInvalid(kubeconfig("https://a:443", "tokenFile: /var/run/token"), "no credentials");
        assertInvalid(kubeconfig("https://a:443", "exec:\n  command: aws\n  apiVersion: client.authentication.k8s.io/v1"),
                "no credentials");
    }

    @Test
    void refusesACertificateWithoutItsKey() {
        assertInvalid(kubeconfig("https://a:443", "client-certificate-data: cGVt"), "only one of");
    }

    @Test
    void refusesACurrentContextThatDoesNotResolve() {
        assertInvalid(tokenKubeconfig().replace("current-context: ctx", "current-context: elsewhere"),
                "current-context 'elsewhere' does not name a context");
        assertInvalid(tokenKubeconfig().replace("current-context: ctx", ""), "current-context is not set");
    }

    @Test
    void refusesAContextNamingAnUndefinedUser() {
        assertInvalid(tokenKubeconfig().replace("    user: sa", "    user: nobody"), "names user 'nobody'");
    }

    @Test
    void credentialsNeverShowInToString() throws Exception {
        assertThat(KubeconfigParser.parse(tokenKubeconfig()).toString()).doesNotContain("secret-token");
    }

    private static void assertInvalid(String yaml, String reason) {
        assertThatThrownBy(() -> KubeconfigParser.parse(yaml))
                .isInstanceOf(InvalidKubeconfigException.class)
                .hasMessageContaining(reason);
    }
}
