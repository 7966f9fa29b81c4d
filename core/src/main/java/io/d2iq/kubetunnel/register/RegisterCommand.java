package io.d2iq.kubetunnel.register;

import io.d2iq.kubetunnel.cli.ConnectorTokenOption;
import io.d2iq.kubetunnel.kubeconfig.InvalidKubeconfigException;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.proxyenv.JdkProxySelector;
import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tls.JdkContexts;
import io.d2iq.kubetunnel.tls.Pem;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code register} role, the one-shot Job on the remote cluster: builds this cluster's kubeconfig from a
 * non-expiring service-account token and the cluster CA, and POSTs it to the connector's kubeconfig webhook.
 * Exit 0 when the webhook accepted it, 1 with a one-line reason otherwise; tokens never appear in output.
 */
@Command(
        name = "register",
        mixinStandardHelpOptions = true,
        description = "Builds this cluster's kubeconfig and posts it to the kubeconfig webhook.")
public final class RegisterCommand implements Callable<Integer> {

    /** Exit code when registration did not happen; the message says why. */
    public static final int EXIT_FAILED = 1;

    private static final int PROXY_AUTHENTICATION_REQUIRED = 407;
    private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(1);

    @Spec
    CommandSpec spec;

    @Option(
            names = "--webhook-url",
            required = true,
            paramLabel = "URL",
            description = "The connector's kubeconfig webhook.")
    URI webhookUrl;

    @Mixin
    ConnectorTokenOption connectorToken;

    @Option(
            names = "--ca-file",
            paramLabel = "FILE",
            description = "PEM CA that verifies the webhook (default: the system roots).")
    Path caFile;

    @Option(
            names = "--remote-token-file",
            paramLabel = "FILE",
            defaultValue = "/var/run/secrets/kubetunnel/remote/token",
            description =
                    "Token of this cluster's ServiceAccount, from a kubernetes.io/service-account-token Secret (default: ${DEFAULT-VALUE}).")
    Path remoteTokenFile;

    @Option(
            names = "--remote-ca-file",
            paramLabel = "FILE",
            defaultValue = "/var/run/secrets/kubetunnel/remote/ca.crt",
            description = "This cluster's CA, PEM (default: ${DEFAULT-VALUE}).")
    Path remoteCaFile;

    @Option(
            names = "--api-server",
            paramLabel = "URL",
            description =
                    "This cluster's API server as the tunnel reaches it (default: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT).")
    String apiServer;

    @Option(
            names = "--attempts",
            defaultValue = "10",
            paramLabel = "N",
            description = "Tries before giving up (default: ${DEFAULT-VALUE}).")
    int attempts;

    @Option(
            names = "--max-backoff",
            defaultValue = "60s",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Longest wait between tries; waits double from 1s (default: ${DEFAULT-VALUE}).")
    Duration maxBackoff;

    private final Map<String, String> environment;

    public RegisterCommand() {
        this(System.getenv());
    }

    /** With an explicit environment, for KUBERNETES_SERVICE_* and the proxy variables. */
    public RegisterCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            checkWebhookUrl();
            byte[] kubeconfig = buildKubeconfig();
            String token = readToken(connectorToken.file(), "--token-file");
            JdkProxySelector proxy = proxy();
            proxy.allowBasicAuthForTunnels();
            WebhookClient client = new WebhookClient(webhookUrl, tls(), proxy);
            String outcome = postWithRetries(client, token, kubeconfig, err);
            spec.commandLine()
                    .getOut()
                    .println("kubetunnel register: registered with " + webhookUrl + " (" + outcome + ")");
            return 0;
        } catch (RegistrationFailed e) {
            err.println("kubetunnel register: " + e.getMessage());
            return EXIT_FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("kubetunnel register: interrupted");
            return EXIT_FAILED;
        }
    }

    private void checkWebhookUrl() throws RegistrationFailed {
        String scheme = webhookUrl.getScheme();
        if (webhookUrl.getHost() == null || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))) {
            throw new RegistrationFailed(
                    "--webhook-url must be an https:// (or http://) URL with a host: " + webhookUrl);
        }
    }

    private byte[] buildKubeconfig() throws RegistrationFailed {
        String server = apiServer != null ? apiServer : inClusterApiServer();
        byte[] ca;
        try {
            ca = Files.readAllBytes(remoteCaFile);
        } catch (IOException e) {
            throw new RegistrationFailed("cannot read --remote-ca-file " + remoteCaFile + ": "
                    + e.getClass().getSimpleName());
        }
        Kubeconfig kubeconfig =
                Kubeconfig.forServiceAccount(server, ca, readToken(remoteTokenFile, "--remote-token-file"));
        String yaml = kubeconfig.toYaml();
        try {
            KubeconfigParser.parse(yaml);
        } catch (InvalidKubeconfigException e) {
            throw new RegistrationFailed("the kubeconfig built here would be refused: " + e.getMessage());
        }
        return yaml.getBytes(StandardCharsets.UTF_8);
    }

    private String inClusterApiServer() throws RegistrationFailed {
        String host = environment.get("KUBERNETES_SERVICE_HOST");
        String port = environment.get("KUBERNETES_SERVICE_PORT");
        if (host == null || host.isBlank() || port == null || port.isBlank()) {
            throw new RegistrationFailed("--api-server is required: KUBERNETES_SERVICE_HOST/PORT are not set");
        }
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String readToken(Path file, String flag) throws RegistrationFailed {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (token.isEmpty()) {
                throw new RegistrationFailed(flag + " " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new RegistrationFailed(
                    "cannot read " + flag + " " + file + ": " + e.getClass().getSimpleName());
        }
    }

    private JdkProxySelector proxy() throws RegistrationFailed {
        try {
            return new JdkProxySelector(ProxyEnvironment.from(environment));
        } catch (IllegalArgumentException e) {
            throw new RegistrationFailed(e.getMessage());
        }
    }

    private SSLContext tls() throws RegistrationFailed {
        try {
            return caFile == null
                    ? SSLContext.getDefault()
                    : JdkContexts.trusting(Pem.readCertificates(Files.readString(caFile)));
        } catch (IOException | GeneralSecurityException | IllegalArgumentException | IllegalStateException e) {
            throw new RegistrationFailed("cannot load --ca-file " + caFile + ": " + e.getMessage());
        }
    }

    private String postWithRetries(WebhookClient client, String token, byte[] kubeconfig, PrintWriter err)
            throws RegistrationFailed, InterruptedException {
        Backoff backoff = new Backoff(INITIAL_BACKOFF, maxBackoff);
        String lastFailure = "no attempt made (--attempts " + attempts + ")";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                Duration wait = backoff.delay(attempt - 2);
                err.println("kubetunnel register: attempt " + (attempt - 1) + " failed (" + lastFailure
                        + "); retrying in " + wait.toMillis() + " ms");
                Thread.sleep(wait.toMillis());
            }
            try {
                WebhookResponse response = client.post(token, kubeconfig);
                if (response.isSuccess()) {
                    return response.summary();
                }
                if (response.status() == PROXY_AUTHENTICATION_REQUIRED) {
                    throw new RegistrationFailed(
                            "the proxy refused its credentials (HTTP 407): check the user-info of HTTPS_PROXY");
                }
                if (!response.isRetryable()) {
                    throw new RegistrationFailed("the webhook refused the registration: " + response.summary());
                }
                lastFailure = response.summary();
            } catch (IOException e) {
                lastFailure = "cannot reach " + webhookUrl + ": " + describe(e);
            }
        }
        throw new RegistrationFailed("gave up after " + attempts + " attempts: " + lastFailure);
    }

    private static String describe(IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message.replaceAll("\\s+", " "));
    }

    /** Registration did not happen; the message is the one line the Job prints. */
    private static final class RegistrationFailed extends Exception {
        RegistrationFailed(String message) {
            super(message);
        }
    }
}
