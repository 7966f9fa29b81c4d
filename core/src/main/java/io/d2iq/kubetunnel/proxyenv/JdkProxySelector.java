package io.d2iq.kubetunnel.proxyenv;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** The JDK HttpClient's view of a {@link ProxyEnvironment}: its proxy selector and proxy credentials. */
public final class JdkProxySelector extends ProxySelector {

    /** JDK property that, by default, forbids Basic auth to a proxy during HTTPS tunnelling. */
    private static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    private final ProxyEnvironment environment;

    public JdkProxySelector(ProxyEnvironment environment) {
        this.environment = environment;
    }

    /**
     * The {@code Proxy-Authorization} header for a request to {@code target}, when its proxy URL carries user-info.
     * Sent up front rather than through an {@link java.net.Authenticator}: the JDK copies it onto the CONNECT
     * request only, and an Authenticator would also meddle with the webhook's own Bearer authentication.
     */
    public Optional<String> proxyAuthorization(URI target) {
        return proxyFor(target).flatMap(HttpProxy::basicAuthorization);
    }

    /** The JDK refuses Basic proxy auth for HTTPS tunnels unless told otherwise, and reads that once per JVM. */
    public void allowBasicAuthForTunnels() {
        if (environment.hasCredentials() && System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
    }

    @Override
    public List<Proxy> select(URI uri) {
        return proxyFor(uri)
                .map(p -> List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(p.host(), p.port()))))
                .orElse(List.of(Proxy.NO_PROXY));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // The caller's retry loop reports the failure; there is no other proxy to fall back to.
    }

    private Optional<HttpProxy> proxyFor(URI target) {
        boolean https = "https".equalsIgnoreCase(target.getScheme());
        int port = target.getPort() > 0 ? target.getPort() : (https ? 443 : 80);
        return environment.proxyFor(target.getScheme(), target.getHost(), port);
    }
}
