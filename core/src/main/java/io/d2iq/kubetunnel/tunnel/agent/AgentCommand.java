package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.cli.ConnectorTokenOption;
import io.d2iq.kubetunnel.cli.ManagementPortOption;
import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code agent} role. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        description = "Dials out to the tunnel server and carries streams to targets in this cluster.")
public final class AgentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--server-url",
            paramLabel = "URL",
            required = true,
            description = "wss:// (or ws:// for local use) URL of the tunnel server.")
    URI serverUrl;

    @Mixin
    ConnectorTokenOption token;

    @Option(
            names = "--ca-file",
            paramLabel = "FILE",
            description = "PEM CA bundle that signs the server's certificate (default: the system roots).")
    Path caFile;

    @Option(
            names = "--allow",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            split = ",",
            description =
                    "Targets streams may reach (default: the in-cluster API server, KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT).")
    List<String> allow;

    @Option(
            names = "--max-backoff",
            paramLabel = "DURATION",
            defaultValue = "PT30S",
            description = "Longest wait between reconnect attempts, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration maxBackoff;

    @Mixin
    ManagementPortOption management;

    @Override
    public Integer call() throws Exception {
        String scheme = serverUrl.getScheme();
        if (!"wss".equalsIgnoreCase(scheme) && !"ws".equalsIgnoreCase(scheme) || serverUrl.getHost() == null) {
            throw new ParameterException(
                    spec.commandLine(), "--server-url must be a wss:// or ws:// URL with a host, not " + serverUrl);
        }
        if (!Files.isReadable(token.file())) {
            throw new ParameterException(spec.commandLine(), "cannot read --token-file " + token.file());
        }
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new ParameterException(spec.commandLine(), "cannot read --ca-file " + caFile);
        }
        if (maxBackoff.isNegative() || maxBackoff.isZero()) {
            throw new ParameterException(spec.commandLine(), "--max-backoff must be positive");
        }
        AllowList allowList;
        ProxyEnvironment proxies;
        try {
            allowList = allow == null ? AllowList.inClusterApiServer(System.getenv()) : AllowList.parse(allow);
            proxies = ProxyEnvironment.from(System.getenv());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        management.validate(spec.commandLine());
        AgentApplication agent;
        try {
            agent = new AgentApplication(
                    new AgentSettings(
                            serverUrl, token.file(), caFile, allowList, proxies, KeepAlive.DEFAULT, maxBackoff),
                    management.port());
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "cannot use --ca-file " + caFile + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            agent.close();
                            stopped.countDown();
                        },
                        "agent-shutdown"));
        agent.start();
        stopped.await();
        return 0;
    }
}
