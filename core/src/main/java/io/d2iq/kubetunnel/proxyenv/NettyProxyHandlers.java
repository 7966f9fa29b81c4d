package io.d2iq.kubetunnel.proxyenv;

import io.netty.handler.proxy.HttpProxyHandler;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Netty's view of a {@link ProxyEnvironment}: the CONNECT handler, if any, for the agent's connection to its server.
 * That connection is always a CONNECT tunnel, so HTTPS_PROXY applies to it whether the server URL is wss or ws.
 */
public final class NettyProxyHandlers {

    private NettyProxyHandlers() {}

    /** A new handler for one connection (Netty handlers are not shareable), or empty to connect directly. */
    public static Optional<HttpProxyHandler> forTunnelTo(ProxyEnvironment environment, String host, int port) {
        return environment.proxyFor("https", host, port).map(NettyProxyHandlers::handler);
    }

    private static HttpProxyHandler handler(HttpProxy proxy) {
        InetSocketAddress address = new InetSocketAddress(proxy.host(), proxy.port());
        return proxy.username() == null
                ? new HttpProxyHandler(address)
                : new HttpProxyHandler(address, proxy.username(), proxy.password());
    }
}
