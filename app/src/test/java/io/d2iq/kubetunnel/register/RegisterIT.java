package io.d2iq.kubetunnel.register;

import static io.d2iq.kubetunnel.webhook.WebhookFixture.EAST_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.Main;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.webhook.WebhookFixture;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RegisterIT {

    private static final TestCertificates REMOTE_CA = TestCertificates.selfSigned();
    private static final String REMOTE_TOKEN = "remote-service-account-token";

    @TempDir
    Path files;

    private WebhookFixture webhook;
    private Path remoteToken;
    private Path remoteCa;
    private Path connectorToken;

    @BeforeEach
    void start() throws Exception {
        webhook = WebhookFixture.start();
        remoteToken = Files.writeString(files.resolve("remote-token"), REMOTE_TOKEN);
        remoteCa = Files.writeString(files.resolve("remote-ca.crt"), REMOTE_CA.certificatePem());
        connectorToken = Files.writeString(files.resolve("connector-token"), EAST_TOKEN);
    }

    @AfterEach
    void stop() {
        webhook.close();
    }

    record Run(int exit, String out, String err) {}

    private Run register(Map<String, String> environment, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--token-file",
                connectorToken.toString(),
                "--remote-token-file",
                remoteToken.toString(),
                "--remote-ca-file",
                remoteCa.toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--webhook-url")) {
            args.addAll(List.of(
                    "--webhook-url", webhook.uri("/fleet/east/kubeconfig").toString()));
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new RegisterCommand(environment))
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private Run register(String... extra) {
        return register(Map.of(), extra);
    }

    private Kubeconfig registered() throws Exception {
        Secret secret = webhook.kubeconfigSecret();
        return KubeconfigParser.parse(new String(
                Base64.getDecoder().decode(secret.getData().get(ConnectorResources.KUBECONFIG_KEY)),
                StandardCharsets.UTF_8));
    }

    @Test
    void registersThisClustersKubeconfigThroughTheMainEntryPoint() throws Exception {
        int exit = Main.execute(
                "register",
                "--webhook-url",
                webhook.uri("/").toString(),
                "--token-file",
                connectorToken.toString(),
                "--remote-token-file",
                remoteToken.toString(),
                "--remote-ca-file",
                remoteCa.toString(),
                "--api-server",
                "https://10.96.0.1:443",
                "--attempts",
                "1");

        assertThat(exit).isZero();
        Kubeconfig registered = registered();
        assertThat(registered.server()).isEqualTo("https://10.96.0.1:443");
        assertThat(registered.credentials().token()).isEqualTo(REMOTE_TOKEN);
        assertThat(Base64.getDecoder().decode(registered.certificateAuthorityData()))
                .isEqualTo(REMOTE_CA.certificatePemBytes());
        assertThat(registered.proxyUrl())
                .isEqualTo("socks5://east-tunnel-server.fleet.svc:" + WebhookFixture.PROXY_PORT);
    }

    @Test
    void defaultsTheApiServerToTheInClusterServiceAddress() throws Exception {
        Run run = register(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "KUBERNETES_SERVICE_PORT", "6443"));

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("registered with").contains("created");
        assertThat(registered().server()).isEqualTo("https://10.0.0.1:6443");
    }

    @Test
    void withoutAnApiServerOutsideAPodItFailsWithAReason() {
        Run run = register();

        assertThat(run.exit()).isEqualTo(RegisterCommand.EXIT_FAILED);
        assertThat(run.err()).contains("--api-server is required");
        assertThat(webhook.holdsKubeconfig()).as("no kubeconfig written").isFalse();
    }

    @Test
    void aWebhookUrlWithoutSchemeFailsWithAReason() {
        Run run = register("--api-server", "https://10.96.0.1:443", "--webhook-url", "webhook.example.com/x");

        assertThat(run.exit()).isEqualTo(RegisterCommand.EXIT_FAILED);
        assertThat(run.err()).startsWith("kubetunnel register: --webhook-url must be an https://");
    }

    @Test
    void rerunningWithARotatedTokenReplacesTheRegistration() throws Exception {
        assertThat(register("--api-server", "https://10.96.0.1:443").exit()).isZero();
        Files.writeString(remoteToken, "rotated-token");

        Run rerun = register("--api-server", "https://10.96.0.1:443");

        assertThat(rerun.exit()).isZero();
        assertThat(rerun.out()).contains("updated");
        assertThat(registered().credentials().token()).isEqualTo("rotated-token");
    }

    @Test
    void aWrongConnectorTokenFailsAtOnceWithOneLineThatNamesNoToken() throws Exception {
        Files.writeString(connectorToken, "not-the-connector-token");

        Run run = register("--api-server", "https://10.96.0.1:443", "--attempts", "5");

        assertThat(run.exit()).isEqualTo(RegisterCommand.EXIT_FAILED);
        assertThat(run.err()).contains("refused").contains("HTTP 401 Unauthorized");
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).doesNotContain("not-the-connector-token").doesNotContain(REMOTE_TOKEN);
        assertThat(webhook.holdsKubeconfig()).as("no kubeconfig written").isFalse();
    }

    @Test
    void aKubeconfigTheWebhookWouldRefuseIsNotSent() throws Exception {
        Files.writeString(remoteCa, "not a certificate");

        Run run = register("--api-server", "https://10.96.0.1:443");

        assertThat(run.exit()).isEqualTo(RegisterCommand.EXIT_FAILED);
        assertThat(run.err()).contains("would be refused").contains("certificate-authority-data");
    }

    @Test
    void anUnreachableWebhookIsRetriedThenGivenUp() throws Exception {
        webhook.close();

        Run run = register("--api-server", "https://10.96.0.1:443", "--attempts", "3", "--max-backoff", "20ms");
        webhook = WebhookFixture.start();

        assertThat(run.exit()).isEqualTo(RegisterCommand.EXIT_FAILED);
        assertThat(run.err()).contains("gave up after 3 attempts").contains("cannot reach");
        assertThat(run.err().lines().filter(l -> l.contains("retrying"))).hasSize(2);
    }

    @Test
    void aServiceUnavailableAnswerIsRetriedUntilTheWebhookCanWrite() throws Exception {
        webhook.client
                .resources(TunnelConnector.class)
                .inNamespace(WebhookFixture.NAMESPACE)
                .withName(WebhookFixture.CONNECTOR)
                .delete();
        await().until(() -> webhook.client
                        .resources(TunnelConnector.class)
                        .inNamespace(WebhookFixture.NAMESPACE)
                        .withName(WebhookFixture.CONNECTOR)
                        .get()
                == null);

        CompletableFuture<Run> run = CompletableFuture.supplyAsync(
                () -> register("--api-server", "https://10.96.0.1:443", "--attempts", "50", "--max-backoff", "100ms"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> webhook.get("/status").statusCode() == 200);
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName(WebhookFixture.CONNECTOR)
                .withNamespace(WebhookFixture.NAMESPACE)
                .build());
        webhook.client
                .resources(TunnelConnector.class)
                .inNamespace(WebhookFixture.NAMESPACE)
                .resource(connector)
                .create();

        Run finished = run.get();
        assertThat(finished.exit()).as(finished.err()).isZero();
        assertThat(finished.err()).contains("ConnectorNotFound");
        assertThat(registered().credentials().token()).isEqualTo(REMOTE_TOKEN);
    }
}
