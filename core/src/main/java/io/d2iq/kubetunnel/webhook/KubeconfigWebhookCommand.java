package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.cli.KubernetesOptions;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.model.ManagementPort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code kubeconfig-webhook} role: receives one connector's registration and writes its kubeconfig Secret. */
@Command(name = "kubeconfig-webhook", mixinStandardHelpOptions = true,
        description = "Receives the agent's registration and writes the kubeconfig Secret.")
public final class KubeconfigWebhookCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KubernetesOptions kubernetes;

    @Option(names = "--port", defaultValue = "" + ConnectorResources.TUNNEL_PORT, paramLabel = "PORT",
            description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token-file", required = true, paramLabel = "FILE",
            description = "The connector's token; only requests bearing it may register.")
    Path tokenFile;

    @Option(names = "--namespace", required = true, paramLabel = "NS", description = "Namespace of the TunnelConnector.")
    String namespace;

    @Option(names = "--connector", required = true, paramLabel = "NAME", description = "Name of the TunnelConnector.")
    String connector;

    @Option(names = "--proxy-url", paramLabel = "URL",
            description = "proxy-url written into the kubeconfig (default: socks5://<tunnel-server Service>.<ns>.svc:<proxy port>).")
    String proxyUrl;

    @Option(names = "--proxy-port", paramLabel = "PORT",
            description = "Proxy port for the default proxy-url (default: the connector's spec.proxyPort, else 1080).")
    Integer proxyPort;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain; with --tls-key, serve HTTPS.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--management-port", paramLabel = "PORT", defaultValue = "" + ManagementPort.PORT,
            description = "Port of /observe/health and /observe/metrics, 0 for none (default: ${DEFAULT-VALUE}).")
    int managementPort;

    @Override
    public Integer call() throws Exception {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        try (KubernetesClient client = kubernetes.newClient()) {
            RegistrationHandler handler = new RegistrationHandler(tokenFile,
                    new KubeconfigSecretWriter(client, namespace, connector, Clock.systemUTC()),
                    new ProxyUrl(proxyUrl, proxyPort), namespace, connector, Clock.systemUTC());
            handler.recoverStatus();
            try (KubeconfigWebhookApplication application = new KubeconfigWebhookApplication(handler, client, port, managementPort, tlsCert, tlsKey)) {
                application.run();
            }
        }
        return 0;
    }
}
