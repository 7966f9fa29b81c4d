package io.d2iq.kubetunnel.kubeconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KubeconfigParserTest {

    private static final String CA = Base64.getEncoder()
            .encodeToString(TestCertificates.selfSigned().certificatePem().getBytes(StandardCharsets.UTF_8));

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
        Kubeconfig parsed = KubeconfigParser.parse(kubeconfig(
                "https://api.example:6443", "client-certificate-data: " + data + "\nclient-key-data: " + data));

        assertThat(parsed.credentials().hasClientCertificate()).isTrue();
        assertThat(parsed.credentials().hasToken()).isFalse();
    }

    @Test
    void refusesAKubeconfigWithNoClusters() {
        assertInvalid(
                tokenKubeconfig().replaceAll("(?s)clusters:.*?users:", "clusters: []\nusers:"),
                "has 0 clusters: exactly one is required");
    }

    @Test
    void refusesAKubeconfigWithTwoClusters() {
        String second = "- name: other\n  cluster:\n    server: https://other:443\n    certificate-authority-data: "
                + CA + "\nusers:";
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
        assertInvalid(
                tokenKubeconfig()
                        .replaceAll("(?s)contexts:.*?current-context", "contexts: [{name: ctx}]\ncurrent-context"),
                "contexts[0].context is empty or not a map");
        assertInvalid("- a\n- list", "not a YAML kubeconfig");
        assertInvalid("kind: Secret", "kind is not Config");
    }

    @Test
    void parseErrorsDoNotQuoteTheInput() {
        assertThatThrownBy(() -> KubeconfigParser.parse("token: very-secret-token: [oops"))
                .isInstanceOf(InvalidKubeconfigException.class)
                .message()
                .doesNotContain("very-secret-token");
    }

    @Test
    void refusesAPlainHttpServer() {
        assertInvalid(
                kubeconfig("http://10.96.0.1:80", "token: t"), "clusters[0].cluster.server is not an https:// URL");
    }

    @Test
    void refusesAMissingCa() {
        assertInvalid(
                tokenKubeconfig().replaceFirst("    certificate-authority-data: .*\n", ""),
                "clusters[0].cluster.certificate-authority-data is not set");
    }

    @Test
    void refusesACaGivenAsAFilePath() {
        assertInvalid(
                tokenKubeconfig()
                        .replaceFirst("certificate-authority-data: .*\n", "certificate-authority: /etc/ca.crt\n"),
                "clusters[0].cluster.certificate-authority is not allowed: a file path");
    }

    @Test
    void refusesACaThatIsNotACertificate() {
        assertInvalid(
                tokenKubeconfig()
                        .replace(CA, Base64.getEncoder().encodeToString("junk".getBytes(StandardCharsets.UTF_8))),
                "not a base64 PEM certificate");
    }

    @Test
    void refusesInsecureSkipTlsVerify() {
        assertInvalid(
                tokenKubeconfig().replaceFirst("    server:", "    insecure-skip-tls-verify: true\n    server:"),
                "clusters[0].cluster.insecure-skip-tls-verify is not allowed");
    }

    @Test
    void refusesAUserWithoutCredentials() {
        assertInvalid(kubeconfig("https://a:443", "extensions: []"), "users[0].user has no credentials");
    }

    @Test
    void refusesACertificateWithoutItsKey() {
        assertInvalid(kubeconfig("https://a:443", "client-certificate-data: cGVt"), "only one of");
    }

    @Test
    void refusesACurrentContextThatDoesNotResolve() {
        assertInvalid(
                tokenKubeconfig().replace("current-context: ctx", "current-context: elsewhere"),
                "current-context does not name the context");
        assertInvalid(tokenKubeconfig().replace("current-context: ctx", ""), "current-context is not set");
    }

    @Test
    void refusesAContextNamingAnUndefinedUser() {
        assertInvalid(
                tokenKubeconfig().replace("    user: sa", "    user: nobody"),
                "contexts[0].context.user does not name the user");
    }

    static List<HostileKubeconfig> hostileFields() {
        return HostileKubeconfig.all(Path.of("/tmp/kubetunnel-parser-test-pwned"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFields")
    void refusesADangerousFieldByItsPathEvenNextToAValidToken(HostileKubeconfig hostile) {
        assertThatThrownBy(() -> KubeconfigParser.parse(hostile.applyTo(tokenKubeconfig())))
                .isInstanceOf(InvalidKubeconfigException.class)
                .message()
                .startsWith(hostile.field() + " is ")
                .doesNotContain("secret-token")
                .doesNotContain(CA);
    }

    @Test
    void refusedFieldsSayWhy() {
        assertInvalid(
                HostileKubeconfig.exec(Path.of("/tmp/x")).applyTo(tokenKubeconfig()),
                "users[0].user.exec is not allowed: an exec plugin runs a command");
        assertInvalid(
                kubeconfig("https://a:443", "token: t\nas: system:admin"),
                "users[0].user.as is not allowed: impersonation");
        assertInvalid(
                kubeconfig("https://a:443", "token: t\nusername: u\npassword: p"),
                "is not allowed: basic authentication");
        assertInvalid(
                kubeconfig("https://a:443", "token: t\nunknown-plugin: x"),
                "users[0].user.unknown-plugin is not a field kubetunnel accepts");
    }

    @Test
    void unknownFieldsAreRefusedAtEveryLevel() {
        assertInvalid(
                tokenKubeconfig() + "exec-everywhere: true\n", "exec-everywhere is not a field kubetunnel accepts");
        assertInvalid(
                tokenKubeconfig().replace("- name: sa", "- name: sa\n  extra: x"), "users[0].extra is not a field");
        assertInvalid(
                tokenKubeconfig().replace("    user: sa", "    user: sa\n    as: admin"),
                "contexts[0].context.as is not allowed");
    }

    @Test
    void aKeyThatIsNotPlainIsNotQuoted() {
        assertThatThrownBy(() ->
                        KubeconfigParser.parse(kubeconfig("https://a:443", "token: t\n\"secret-token in a key\": x")))
                .isInstanceOf(InvalidKubeconfigException.class)
                .hasMessage("users[0].user holds a field kubetunnel does not accept");
    }

    @Test
    void refusesDuplicateKeysSoNoReaderCanPickAnotherCopy() {
        assertInvalid(kubeconfig("https://a:443", "token: t\ntoken: other"), "a key appears twice");
    }

    @Test
    void refusesASecondYamlDocument() {
        assertInvalid(tokenKubeconfig() + "---\nkind: Config\n", "not a YAML kubeconfig");
    }

    @Test
    void refusesValuesThatAreNotStrings() {
        assertInvalid(kubeconfig("https://a:443", "token: {nested: map}"), "users[0].user.token is not a string");
    }

    @Test
    void acceptsTheHarmlessFieldsKubectlWrites() throws Exception {
        String yaml = tokenKubeconfig()
                        .replace(
                                "    server:",
                                "    tls-server-name: api.internal\n    disable-compression: true\n    server:")
                        .replace("    user: sa", "    user: sa\n    namespace: default")
                + "preferences: {}\nextensions: []\n";

        assertThat(KubeconfigParser.parse(yaml).tlsServerName()).isEqualTo("api.internal");
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
