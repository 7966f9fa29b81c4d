package io.d2iq.kubetunnel.tunnel.server;

import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.tunnel.session.KeepAlive;
import java.nio.file.Path;

/**
 * What a tunnel server needs.
 *
 * @param tlsCert PEM certificate chain, or null for plain HTTP (TLS then ends at the Ingress)
 * @param tlsKey PEM private key, with {@code tlsCert}
 * @param limits bounds for clients of the tunnel and proxy ports that have not authenticated or handshaken yet
 */
public record TunnelServerSettings(
        String bind,
        int port,
        int proxyPort,
        Path tlsCert,
        Path tlsKey,
        KeepAlive keepAlive,
        ConnectionLimits limits) {}
