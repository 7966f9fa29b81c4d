package io.d2iq.kubetunnel.laptop;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.cli.KubernetesOptions;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.model.ConnectorLabels;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * The {@code kubeconfig} role: prints a kubeconfig for a connector's remote cluster that works from this machine, and
 * forwards its proxy-url's loopback port to the tunnel server until SIGINT or SIGTERM. stdout carries the kubeconfig
 * alone; every status and error line goes to stderr.
 */
@Command(
        name = "kubeconfig",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a kubeconfig for the remote cluster of NAMESPACE/CONNECTOR whose proxy-url is socks5://127.0.0.1:PORT,",
            "and port-forwards PORT to the tunnel server's proxy port through the management API until Ctrl-C.",
            "Exit codes: 0 stopped by SIGINT/SIGTERM (or printed, with --proxy-address), 1 management kubeconfig or API error, 2 usage,",
            "3 connector not found, 4 not Connected, 5 kubeconfig Secret missing or empty, 6 kubeconfig refused by the parser,",
            "7 no running tunnel-server Pod, 8 port-forward not served or local port not bindable."
        })
public final class KubeconfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KubernetesOptions kubernetes;

    @Parameters(
            index = "0",
            paramLabel = "NAMESPACE/CONNECTOR",
            description = "The TunnelConnector on the management cluster.")
    String connectorKey;

    @Option(
            names = "--local-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "Loopback port of the forward, named in the printed proxy-url (default: 0, a free port).")
    int localPort;

    @Option(
            names = "--proxy-address",
            paramLabel = "HOST:PORT",
            description =
                    "Do not forward: the proxy port is already reachable there (a LoadBalancer, your own kubectl port-forward); print and exit.")
    String proxyAddress;

    private final PrintStream stderr = System.err;

    @Override
    public Integer call() throws Exception {
        int slash = connectorKey.indexOf('/');
        if (slash <= 0 || slash == connectorKey.length() - 1 || connectorKey.indexOf('/', slash + 1) >= 0) {
            throw new ParameterException(spec.commandLine(), "expected NAMESPACE/CONNECTOR, got " + connectorKey);
        }
        if (localPort < 0 || localPort > 65535) {
            throw new ParameterException(spec.commandLine(), "--local-port must be 0-65535");
        }
        if (proxyAddress != null && !proxyAddress.matches("[^\\s/:]+:\\d{1,5}|\\[[0-9a-fA-F:.]+\\]:\\d{1,5}")) {
            throw new ParameterException(spec.commandLine(), "--proxy-address must be HOST:PORT, got " + proxyAddress);
        }
        String ns = connectorKey.substring(0, slash);
        String name = connectorKey.substring(slash + 1);
        try (KubernetesClient client = kubernetes.newClient()) {
            return run(client, ns, name);
        } catch (LaptopKubeconfig.Refused e) {
            stderr.println("kubeconfig: " + e.getMessage());
            return e.exitCode();
        } catch (KubernetesClientException e) {
            stderr.println("kubeconfig: management API: " + firstLine(e.getMessage()));
            return LaptopKubeconfig.EXIT_API_ERROR;
        } catch (UncheckedIOException e) {
            stderr.println("kubeconfig: " + e.getMessage() + ": " + e.getCause().getMessage());
            return LaptopKubeconfig.EXIT_API_ERROR;
        }
    }

    private int run(KubernetesClient client, String ns, String name)
            throws LaptopKubeconfig.Refused, IOException, InterruptedException {
        TunnelConnector connector = client.resources(TunnelConnector.class)
                .inNamespace(ns)
                .withName(name)
                .get();
        Secret secret = connector == null
                ? null
                : client.secrets()
                        .inNamespace(ns)
                        .withName(ConnectorResources.kubeconfigSecretName(name))
                        .get();
        if (proxyAddress != null) {
            print(LaptopKubeconfig.build(ns, name, connector, secret, "socks5://" + proxyAddress));
            return 0;
        }
        Kubeconfig kubeconfig = LaptopKubeconfig.build(ns, name, connector, secret, null);
        Map<String, String> selector = ConnectorLabels.selector(connector, ConnectorLabels.TUNNEL_SERVER);
        try (TunnelServerForward forward = new TunnelServerForward(client, ns, selector, stderr)) {
            TunnelServerForward.Target target = forward.resolve()
                    .orElseThrow(() -> new LaptopKubeconfig.Refused(
                            LaptopKubeconfig.EXIT_NO_TUNNEL_SERVER_POD,
                            "no running tunnel-server Pod in " + ns + " for connector " + ns + "/" + name
                                    + " (kubectl get pods -n " + ns + " -l " + ConnectorResources.CONNECTOR_LABEL + "="
                                    + name + ")"));
            Optional<String> refused = forward.probe(target);
            if (refused.isPresent()) {
                throw new LaptopKubeconfig.Refused(
                        LaptopKubeconfig.EXIT_FORWARD_FAILED,
                        "the management API did not port-forward to pod "
                                + ns + "/" + target.pod() + ": " + refused.get()
                                + "; reach the proxy port another way and pass --proxy-address HOST:PORT");
            }
            int port;
            try {
                port = forward.start(localPort);
            } catch (IOException e) {
                throw new LaptopKubeconfig.Refused(
                        LaptopKubeconfig.EXIT_FORWARD_FAILED,
                        "cannot listen on 127.0.0.1:" + localPort + ": " + e.getMessage());
            }
            CountDownLatch stop = new CountDownLatch(1);
            Signal.handle(new Signal("INT"), signal -> stop.countDown());
            Signal.handle(new Signal("TERM"), signal -> stop.countDown());
            print(kubeconfig.withProxyUrl("socks5://127.0.0.1:" + port));
            stderr.println("kubeconfig: forwarding 127.0.0.1:" + port + " to pod " + ns + "/" + target.pod() + " port "
                    + target.port() + " (" + ConnectorResources.PROXY_PORT_NAME + "); Ctrl-C to stop");
            stop.await();
            stderr.println("kubeconfig: stopped");
            return 0;
        }
    }

    private static void print(Kubeconfig kubeconfig) {
        System.out.print(kubeconfig.toYaml());
        System.out.flush();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
