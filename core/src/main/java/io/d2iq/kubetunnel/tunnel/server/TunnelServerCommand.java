package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.auth.ConnectorTokenAuthenticator;
import io.d2iq.kubetunnel.cli.ConnectorTokenOption;
import io.d2iq.kubetunnel.cli.ManagementPortOption;
import io.d2iq.kubetunnel.cli.ServingTlsOptions;
import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.observe.ConnectorLogContext;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code tunnel-server} role. */
@Command(
        name = "tunnel-server",
        mixinStandardHelpOptions = true,
        description = "Accepts the agent's tunnel and serves the proxy port.")
public final class TunnelServerCommand implements Callable<Integer> {

    /** Exit code when a port cannot be bound or the TLS files cannot be used. */
    public static final int EXIT_CANNOT_START = 1;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--bind",
            paramLabel = "ADDRESS",
            defaultValue = "0.0.0.0",
            description = "Address both ports listen on (default: ${DEFAULT-VALUE}).")
    String bind;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "" + ConnectorResources.TUNNEL_PORT,
            description =
                    "HTTP(S) port: /status and the agent's WebSocket upgrade on any path (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--proxy-port",
            paramLabel = "PORT",
            defaultValue = "1080",
            description = "SOCKS5 and HTTP CONNECT port (default: ${DEFAULT-VALUE}).")
    int proxyPort;

    @Mixin
    ConnectorTokenOption token;

    @Mixin
    ServingTlsOptions tls;

    @Mixin
    ManagementPortOption management;

    @Option(
            names = "--namespace",
            paramLabel = "NS",
            description = "Namespace of the TunnelConnector, named in every log line (with --connector).")
    String namespace;

    @Option(
            names = "--connector",
            paramLabel = "NAME",
            description = "Name of the TunnelConnector, named in every log line (with --namespace).")
    String connector;

    @Override
    public Integer call() throws Exception {
        if ((namespace == null) != (connector == null)) {
            throw new ParameterException(spec.commandLine(), "--namespace and --connector go together");
        }
        if (connector != null) {
            ConnectorLogContext.set(namespace, connector);
        }
        tls.validate(spec.commandLine());
        for (Path file : new Path[] {token.file(), tls.cert(), tls.key()}) {
            if (file != null && !Files.isReadable(file)) {
                throw new ParameterException(spec.commandLine(), "cannot read " + file);
            }
        }
        checkPort("--port", port);
        checkPort("--proxy-port", proxyPort);
        management.validate(spec.commandLine());
        TunnelServer server = new TunnelServer(
                new TunnelServerSettings(
                        bind, port, proxyPort, tls.cert(), tls.key(), KeepAlive.DEFAULT, ConnectionLimits.DEFAULT),
                new ConnectorTokenAuthenticator(token.file()),
                management.port());
        try {
            server.start();
        } catch (Exception e) {
            server.close();
            spec.commandLine().getErr().println("kubetunnel tunnel-server: cannot start: " + rootMessage(e));
            return EXIT_CANNOT_START;
        }
        server.awaitShutdown();
        return 0;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.toString();
    }

    private void checkPort(String option, int value) {
        if (value < 1 || value > 65_535) {
            throw new ParameterException(spec.commandLine(), option + " must be in 1..65535, not " + value);
        }
    }
}
