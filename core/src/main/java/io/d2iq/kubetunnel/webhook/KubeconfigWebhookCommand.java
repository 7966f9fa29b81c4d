package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.cli.ConnectorTokenOption;
import io.d2iq.kubetunnel.cli.KubernetesOptions;
import io.d2iq.kubetunnel.cli.ManagementPortOption;
import io.d2iq.kubetunnel.cli.ServingTlsOptions;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code kubeconfig-webhook} role: receives one connector's registration and writes its kubeconfig Secret. */
@Command(
        name = "kubeconfig-webhook",
        mixinStandardHelpOptions = true,
        description = "Receives the agent's registration and writes the kubeconfig Secret.")
public final class KubeconfigWebhookCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KubernetesOptions kubernetes;

    @Option(
            names = "--port",
            defaultValue = "" + ConnectorResources.TUNNEL_PORT,
            paramLabel = "PORT",
            description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int port;

    @Mixin
    ConnectorTokenOption token;

    @Option(
            names = "--namespace",
            required = true,
            paramLabel = "NS",
            description = "Namespace of the TunnelConnector.")
    String namespace;

    @Option(names = "--connector", required = true, paramLabel = "NAME", description = "Name of the TunnelConnector.")
    String connector;

    @Option(
            names = "--proxy-url",
            paramLabel = "URL",
            description =
                    "proxy-url written into the kubeconfig (default: socks5://<tunnel-server Service>.<ns>.svc:<proxy port>).")
    String proxyUrl;

    @Option(
            names = "--proxy-port",
            paramLabel = "PORT",
            description = "Proxy port for the default proxy-url (default: the connector's spec.proxyPort, else 1080).")
    Integer proxyPort;

    @Mixin
    ServingTlsOptions tls;

    @Mixin
    ManagementPortOption management;

    @Override
    public Integer call() throws Exception {
        tls.validate(spec.commandLine());
        management.validate(spec.commandLine());
        try (KubernetesClient client = kubernetes.newClient()) {
            RegistrationHandler handler = new RegistrationHandler(
                    token.file(),
                    new KubeconfigSecretWriter(client, namespace, connector, Clock.systemUTC()),
                    new ProxyUrl(proxyUrl, proxyPort),
                    namespace,
                    connector,
                    Clock.systemUTC());
            handler.recoverStatus();
            try (KubeconfigWebhookApplication application =
                    new KubeconfigWebhookApplication(handler, client, port, management.port(), tls.cert(), tls.key())) {
                application.run();
            }
        }
        return 0;
    }
}
