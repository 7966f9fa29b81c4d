package io.d2iq.kubetunnel.register;

import static io.d2iq.kubetunnel.webhook.WebhookFixture.EAST_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.Main;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.webhook.WebhookFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code register} against an HTTPS webhook, verified with --ca-file, directly and through an HTTP CONNECT proxy. */
class RegisterOverTlsAndProxyIT {

    private static final TestCertificates WEBHOOK_TLS = TestCertificates.selfSigned();

    @TempDir
    Path files;

    private WebhookFixture webhook;
    private Path webhookCa;
    private final List<String> baseArgs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        webhookCa = Files.writeString(files.resolve("webhook.crt"), WEBHOOK_TLS.certificatePem());
        Path key = Files.writeString(files.resolve("webhook.key"), WEBHOOK_TLS.privateKeyPem());
        webhook = WebhookFixture.startTls(webhookCa, key);
        Path remoteCa = Files.writeString(
                files.resolve("remote-ca.crt"), TestCertificates.selfSigned().certificatePem());
        baseArgs.addAll(List.of(
                "--webhook-url",
                webhook.uri("/fleet/east/kubeconfig").toString(),
                "--token-file",
                Files.writeString(files.resolve("connector-token"), EAST_TOKEN).toString(),
                "--remote-token-file",
                Files.writeString(files.resolve("remote-token"), "remote-token").toString(),
                "--remote-ca-file",
                remoteCa.toString(),
                "--api-server",
                "https://10.96.0.1:443",
                "--attempts",
                "1"));
    }

    @AfterEach
    void stop() {
        webhook.close();
    }

    private int register(Map<String, String> environment, StringWriter err, String... extra) {
        List<String> args = new ArrayList<>(baseArgs);
        args.addAll(List.of(extra));
        return new CommandLine(new RegisterCommand(environment))
                .setOut(new PrintWriter(new StringWriter(), true))
                .setErr(new PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
    }

    @Test
    void registersOverTlsWhenTheCaFileVerifiesTheWebhook() {
        StringWriter err = new StringWriter();

        assertThat(register(Map.of(), err, "--ca-file", webhookCa.toString()))
                .as(err.toString())
                .isZero();
        assertThat(webhook.kubeconfigSecret()).isNotNull();
    }

    @Test
    void refusesAWebhookTheSystemRootsDoNotTrust() {
        StringWriter err = new StringWriter();

        assertThat(register(Map.of(), err)).isEqualTo(RegisterCommand.EXIT_FAILED);
        assertThat(err.toString()).contains("cannot reach").contains("SSLHandshakeException");
        assertThat(webhook.holdsKubeconfig()).as("no kubeconfig written").isFalse();
    }

    @Test
    void goesThroughHttpsProxy() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy(null, null)) {
            StringWriter err = new StringWriter();

            int exit = register(
                    Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port()), err, "--ca-file", webhookCa.toString());

            assertThat(exit).as(err.toString()).isZero();
            assertThat(proxy.tunnels.get()).isEqualTo(1);
        }
    }

    @Test
    void skipsTheProxyForNoProxyHosts() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy(null, null)) {
            StringWriter err = new StringWriter();

            int exit = register(
                    Map.of("https_proxy", "127.0.0.1:" + proxy.port(), "no_proxy", "localhost,127.0.0.0/8"),
                    err,
                    "--ca-file",
                    webhookCa.toString());

            assertThat(exit).as(err.toString()).isZero();
            assertThat(proxy.tunnels.get()).isZero();
        }
    }

    /**
     * In its own JVM, as the Job runs: the JDK reads whether Basic proxy auth may be used for tunnels once per
     * JVM, and this test JVM has long used its HTTP client.
     */
    @Test
    void sendsTheUserInfoOfHttpsProxyAsBasicProxyCredentials() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy("agent", "p@ss")) {
            Process process = registerInNewJvm("http://agent:p%40ss@127.0.0.1:" + proxy.port());

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            assertThat(proxy.refusedForCredentials.get())
                    .as("credentials are sent up front")
                    .isZero();
            assertThat(proxy.tunnels.get()).isEqualTo(1);
            assertThat(output).doesNotContain("p@ss").doesNotContain(EAST_TOKEN);
        }
    }

    @Test
    void wrongProxyCredentialsFailWithAReasonThatBlamesTheProxy() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy("agent", "p@ss")) {
            Process process = registerInNewJvm("http://agent:wrong@127.0.0.1:" + proxy.port());

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).isEqualTo(RegisterCommand.EXIT_FAILED);
            assertThat(output)
                    .contains("the proxy refused its credentials (HTTP 407)")
                    .doesNotContain("wrong");
            assertThat(proxy.tunnels.get()).isZero();
        }
    }

    private Process registerInNewJvm(String httpsProxy) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "register",
                "--ca-file",
                webhookCa.toString()));
        command.addAll(baseArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HTTPS_PROXY", httpsProxy);
        builder.environment().remove("NO_PROXY");
        builder.environment().remove("no_proxy");
        return builder.start();
    }
}
