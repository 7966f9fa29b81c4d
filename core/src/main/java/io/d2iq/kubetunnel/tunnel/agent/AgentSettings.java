package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What an agent needs.
 *
 * @param serverUri {@code wss://} (or {@code ws://} for local use) URL of the tunnel server, any path
 * @param caFile PEM CA bundle that signs the server's certificate, or null for the JVM's default roots
 */
public record AgentSettings(
        URI serverUri,
        Path tokenFile,
        Path caFile,
        AllowList allowList,
        ProxyEnvironment proxies,
        KeepAlive keepAlive,
        Duration maxBackoff) {}
