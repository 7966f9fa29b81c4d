package io.d2iq.kubetunnel.tunnel.support;

import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.auth.ConnectorTokenAuthenticator;
import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.agent.AgentSettings;
import io.d2iq.kubetunnel.tunnel.agent.AllowList;
import io.d2iq.kubetunnel.tunnel.agent.TunnelAgent;
import io.d2iq.kubetunnel.tunnel.server.TunnelServer;
import io.d2iq.kubetunnel.tunnel.server.TunnelServerSettings;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A tunnel server and an agent on loopback, with TLS from a self-signed certificate (the tls package
 * has not landed on main yet) that the agent trusts through {@code --ca-file}.
 */
public final class TunnelFixture implements AutoCloseable {

    public static final String TOKEN = "connector-token-a";
    public static final KeepAlive FAST_KEEP_ALIVE = new KeepAlive(Duration.ofMillis(300), Duration.ofSeconds(2));

    private final Path dir;
    private final boolean tls;
    private final Path tokenFile;
    private final int port;
    private SelfSignedCertificate certificate;
    private TunnelServer server;
    private TunnelAgent agent;

    public TunnelFixture(Path dir, boolean tls) {
        this.dir = dir;
        this.tls = tls;
        this.tokenFile = write("server-token", TOKEN);
        this.port = freePort();
        if (tls) {
            try {
                certificate = new SelfSignedCertificate("localhost");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TunnelServer startServer() throws Exception {
        return startServer(0);
    }

    /** Starts (or restarts) the server on the fixture's fixed port; proxyPort 0 picks a free one. */
    public TunnelServer startServer(int proxyPort) throws Exception {
        return startServer(proxyPort, FAST_KEEP_ALIVE, ConnectionLimits.DEFAULT);
    }

    /** The same with the server's own ping cadence and connection limits. */
    public TunnelServer startServer(int proxyPort, KeepAlive keepAlive, ConnectionLimits limits) throws Exception {
        server = new TunnelServer(
                new TunnelServerSettings(
                        "127.0.0.1",
                        port,
                        proxyPort,
                        tls ? certificate.certificate().toPath() : null,
                        tls ? certificate.privateKey().toPath() : null,
                        keepAlive,
                        limits),
                new ConnectorTokenAuthenticator(tokenFile),
                0);
        server.start();
        return server;
    }

    public URI serverUri(String path) {
        return URI.create((tls ? "wss" : "ws") + "://localhost:" + port + path);
    }

    public URI httpUri(String path) {
        return URI.create((tls ? "https" : "http") + "://localhost:" + port + path);
    }

    public int port() {
        return port;
    }

    public Path caFile() {
        return tls ? certificate.certificate().toPath() : null;
    }

    public TunnelAgent startAgent(List<String> allowed) throws Exception {
        return startAgent(allowed, TOKEN, ProxyEnvironment.from(Map.of()), Duration.ofMillis(500));
    }

    public TunnelAgent startAgent(List<String> allowed, String token, ProxyEnvironment proxies, Duration maxBackoff)
            throws Exception {
        Path agentToken = write("agent-token", token);
        agent = new TunnelAgent(
                new AgentSettings(
                        serverUri("/any/prefix/tunnel-server"),
                        agentToken,
                        caFile(),
                        AllowList.parse(allowed),
                        proxies,
                        FAST_KEEP_ALIVE,
                        maxBackoff),
                new SimpleMeterRegistry());
        agent.start();
        return agent;
    }

    /** Waits until both sides have an established session. */
    public void awaitConnected() {
        await().atMost(Duration.ofSeconds(15)).until(() -> agent.isConnected() && server.agentConnected());
    }

    public TunnelServer server() {
        return server;
    }

    public TunnelAgent agent() {
        return agent;
    }

    public InetSocketAddress proxy() {
        return server.proxyAddress();
    }

    public void stopAgent() {
        if (agent != null) {
            agent.close();
        }
    }

    public void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public void close() {
        stopAgent();
        stopServer();
        if (certificate != null) {
            certificate.delete();
        }
    }
}
