package io.d2iq.kubetunnel.webhook;

import static io.d2iq.kubetunnel.webhook.WebhookFixture.EAST_TOKEN;
import static io.d2iq.kubetunnel.webhook.WebhookFixture.WEST_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2iq.kubetunnel.kubeconfig.HostileKubeconfig;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class KubeconfigWebhookIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TestCertificates REMOTE_CA = TestCertificates.selfSigned();
    private static final String BEARER = "Bearer " + EAST_TOKEN;

    private WebhookFixture webhook;

    @BeforeEach
    void startWebhook() throws Exception {
        webhook = WebhookFixture.start();
    }

    @AfterEach
    void stopWebhook() {
        webhook.close();
    }

    private static byte[] kubeconfig(String remoteToken) {
        return Kubeconfig.forServiceAccount("https://10.96.0.1:443", REMOTE_CA.certificatePemBytes(), remoteToken)
                .toYamlBytes();
    }

    private static Kubeconfig stored(Secret secret) throws Exception {
        return KubeconfigParser.parse(new String(
                Base64.getDecoder().decode(secret.getData().get(ConnectorResources.KUBECONFIG_KEY)),
                StandardCharsets.UTF_8));
    }

    @Test
    void validRegistrationWritesTheSecretWithProxyUrlLabelsAndOwnerReference() throws Exception {
        HttpResponse<String> response = webhook.post("/fleet/east/kubeconfig", BEARER, kubeconfig("remote-sa-token"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("result").asText()).isEqualTo("created");
        Secret secret = webhook.kubeconfigSecret();
        Kubeconfig stored = stored(secret);
        assertThat(stored.server()).isEqualTo("https://10.96.0.1:443");
        assertThat(stored.credentials().token()).isEqualTo("remote-sa-token");
        assertThat(new String(Base64.getDecoder().decode(stored.certificateAuthorityData()), StandardCharsets.UTF_8))
                .isEqualTo(REMOTE_CA.certificatePem());
        assertThat(stored.toYaml())
                .contains("proxy-url: \"socks5://east-tunnel-server.fleet.svc:" + WebhookFixture.PROXY_PORT + "\"");
        assertThat(secret.getMetadata().getLabels())
                .containsEntry(ConnectorResources.CONNECTOR_LABEL, "east")
                .containsEntry("app.kubernetes.io/name", "kubetunnel")
                .containsEntry("app.kubernetes.io/instance", "east");
        OwnerReference owner = secret.getMetadata().getOwnerReferences().get(0);
        assertThat(owner.getKind()).isEqualTo("TunnelConnector");
        assertThat(owner.getApiVersion()).isEqualTo("kubetunnel.d2iq.io/v1alpha1");
        assertThat(owner.getName()).isEqualTo("east");
        assertThat(owner.getUid())
                .isNotBlank()
                .isEqualTo(webhook.connector.getMetadata().getUid());
        assertThat(response.headers().firstValue("Authorization")).isEmpty();
    }

    @Test
    void withoutTheSecretTheControllerCreatesTheWebhookAnswers503AndCreatesNothing() throws Exception {
        webhook.client
                .secrets()
                .inNamespace(WebhookFixture.NAMESPACE)
                .withName(ConnectorResources.kubeconfigSecretName(WebhookFixture.CONNECTOR))
                .delete();

        HttpResponse<String> response = webhook.post("/", BEARER, kubeconfig("remote-sa-token"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(response.body()).get("reason").asText()).isEqualTo("KubeconfigSecretMissing");
        assertThat(JSON.readTree(response.body()).get("message").asText())
                .isEqualTo("the controller has not created Secret fleet/east-kubeconfig yet; retry");
        assertThat(webhook.kubeconfigSecret()).isNull();
        assertThat(JSON.readTree(webhook.get("/status").body())
                        .get("registered")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void repostingTheSameKubeconfigWritesNothingAndAChangedOneReplacesIt() throws Exception {
        webhook.post("/", BEARER, kubeconfig("token-1"));
        String firstVersion = webhook.kubeconfigSecret().getMetadata().getResourceVersion();

        HttpResponse<String> same = webhook.post("/", BEARER, kubeconfig("token-1"));

        assertThat(JSON.readTree(same.body()).get("result").asText()).isEqualTo("unchanged");
        assertThat(webhook.kubeconfigSecret().getMetadata().getResourceVersion())
                .isEqualTo(firstVersion);

        HttpResponse<String> changed = webhook.post("/", BEARER, kubeconfig("token-2"));

        assertThat(JSON.readTree(changed.body()).get("result").asText()).isEqualTo("updated");
        Secret secret = webhook.kubeconfigSecret();
        assertThat(secret.getMetadata().getResourceVersion()).isNotEqualTo(firstVersion);
        assertThat(stored(secret).credentials().token()).isEqualTo("token-2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer forged-token", "Bearer " + WEST_TOKEN, "Basic ZWFzdDplYXN0", ""})
    void anythingButThisConnectorsTokenIsRefusedAndWritesNothing(String authorization) throws Exception {
        HttpResponse<String> response =
                webhook.post("/", authorization.isEmpty() ? null : authorization, kubeconfig("t"));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"kubetunnel\"");
        assertThat(JSON.readTree(response.body()).get("message").asText()).contains("fleet/east");
        assertThat(webhook.holdsKubeconfig()).as("no kubeconfig written").isFalse();
        assertThat(status().get("lastError").isNull()).isTrue();
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413() throws Exception {
        byte[] huge = new byte[RegistrationHandler.MAX_BODY_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'a');

        HttpResponse<String> response = webhook.post("/", BEARER, huge);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(webhook.holdsKubeconfig()).as("no kubeconfig written").isFalse();
    }

    @Test
    void aKubeconfigWithNoClustersIsRefusedAndStatusSaysKubeconfigInvalid() throws Exception {
        String yaml = new String(kubeconfig("t"), StandardCharsets.UTF_8)
                .replaceAll("(?s)clusters:.*?contexts:", "contexts:");
        assertRefusedAsInvalid(yaml.getBytes(StandardCharsets.UTF_8), "0 clusters");
    }

    @Test
    void aKubeconfigWithTwoClustersIsRefusedAndStatusSaysKubeconfigInvalid() throws Exception {
        String yaml = new String(kubeconfig("t"), StandardCharsets.UTF_8);
        String cluster = yaml.substring(yaml.indexOf("clusters:") + "clusters:".length(), yaml.indexOf("contexts:"));
        String twoClusters = yaml.replace(cluster, cluster + cluster.replace("name: \"remote\"", "name: \"other\""));
        assertRefusedAsInvalid(twoClusters.getBytes(StandardCharsets.UTF_8), "2 clusters");
    }

    static List<HostileKubeconfig> hostileFields() {
        return HostileKubeconfig.all(Path.of("/tmp/kubetunnel-webhook-it-never-written"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFields")
    void aKubeconfigWithADangerousFieldIsRefusedWith400NamingTheFieldAndWritesNothing(HostileKubeconfig hostile)
            throws Exception {
        byte[] body = hostile.applyTo(new String(kubeconfig("remote-sa-token"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);

        JsonNode error = assertRefusedAsInvalid(body, hostile.field() + " is ");

        assertThat(error.get("message").asText()).startsWith(hostile.field());
        assertThat(error.toString()).doesNotContain("remote-sa-token");
    }

    @Test
    void aDangerousKubeconfigAfterAValidOneLeavesTheStoredOneAsItWas() throws Exception {
        webhook.post("/", BEARER, kubeconfig("remote-sa-token"));
        String version = webhook.kubeconfigSecret().getMetadata().getResourceVersion();
        byte[] exec = HostileKubeconfig.exec(Path.of("/tmp/kubetunnel-webhook-it-never-written"))
                .applyTo(new String(kubeconfig("other-token"), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = webhook.post("/", BEARER, exec);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(webhook.kubeconfigSecret().getMetadata().getResourceVersion())
                .isEqualTo(version);
        assertThat(status().get("lastError").get("message").asText()).startsWith("users[0].user.exec is not allowed");
    }

    @Test
    void aBodyThatIsNotYamlIsRefusedAndStatusSaysKubeconfigInvalid() throws Exception {
        assertRefusedAsInvalid("{{{ not yaml at all".getBytes(StandardCharsets.UTF_8), "not a YAML kubeconfig");
    }

    @Test
    void aValidRegistrationAfterAnInvalidOneClearsLastError() throws Exception {
        webhook.post("/", BEARER, "garbage: [".getBytes(StandardCharsets.UTF_8));
        assertThat(status().get("lastError").get("reason").asText()).isEqualTo("KubeconfigInvalid");

        webhook.post("/", BEARER, kubeconfig("t"));

        JsonNode status = status();
        assertThat(status.get("registered").asBoolean()).isTrue();
        assertThat(java.time.Instant.parse(status.get("registeredAt").asText())).isNotNull();
        assertThat(status.get("lastError").isNull()).isTrue();
    }

    @Test
    void aRestartedWebhookStillReportsTheRegistrationHeldInTheSecret() throws Exception {
        webhook.post("/", BEARER, kubeconfig("t"));
        String registeredAt = status().get("registeredAt").asText();

        webhook.restartWebhook();

        JsonNode status = status();
        assertThat(status.get("registered").asBoolean()).isTrue();
        assertThat(java.time.Instant.parse(status.get("registeredAt").asText()))
                .isBetween(
                        java.time.Instant.parse(registeredAt).minusSeconds(5), java.time.Instant.parse(registeredAt));
    }

    @Test
    void statusStartsUnregisteredAndTheLegacyProbePathsAreGone() throws Exception {
        JsonNode status = status();
        assertThat(status.get("registered").asBoolean()).isFalse();
        assertThat(status.get("registeredAt").isNull()).isTrue();
        assertThat(status.get("lastError").isNull()).isTrue();
        // health is on the management port only (KubeconfigWebhookManagementIT)
        assertThat(webhook.get("/healthz").statusCode()).isEqualTo(404);
        assertThat(webhook.get("/readyz").statusCode()).isEqualTo(404);
        assertThat(webhook.get("/no-such-path").statusCode()).isEqualTo(404);
    }

    @Test
    void aPostOnAnyPathIsARegistrationAndEveryOtherRequestA404SayingWhatExists() throws Exception {
        assertThat(webhook.post("/status", BEARER, kubeconfig("remote-sa-token"))
                        .statusCode())
                .isEqualTo(200);

        for (HttpResponse<String> other : List.of(
                webhook.get("/no-such-path"),
                webhook.get("/"),
                webhook.send(HttpRequest.newBuilder(webhook.uri("/status"))
                        .header("Authorization", BEARER)
                        .DELETE()))) {
            assertThat(other.statusCode()).as(other.request().toString()).isEqualTo(404);
            assertThat(JSON.readTree(other.body()).get("reason").asText()).isEqualTo("NotFound");
            assertThat(other.headers().firstValue("Content-Type")).hasValue("application/json");
        }
    }

    /** @return the 400 answer's JSON */
    private JsonNode assertRefusedAsInvalid(byte[] body, String reason) throws Exception {
        HttpResponse<String> response = webhook.post("/", BEARER, body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.get("reason").asText()).isEqualTo("KubeconfigInvalid");
        assertThat(error.get("message").asText()).contains(reason);
        assertThat(webhook.holdsKubeconfig()).as("no kubeconfig written").isFalse();
        JsonNode status = status();
        assertThat(status.get("registered").asBoolean()).isFalse();
        assertThat(status.get("lastError").get("reason").asText()).isEqualTo("KubeconfigInvalid");
        assertThat(status.get("lastError").get("message").asText()).contains(reason);
        return error;
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> response = webhook.get("/status");
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
