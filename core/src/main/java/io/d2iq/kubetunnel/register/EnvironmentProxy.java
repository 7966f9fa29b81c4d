package io.d2iq.kubetunnel.register;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP proxy that {@code HTTPS_PROXY}/{@code HTTP_PROXY} and {@code NO_PROXY} (or their lower-case forms)
 * select, as curl and Go read them: NO_PROXY holds host names (a leading dot or not: subdomains match too),
 * IP addresses, IPv4 CIDR blocks and {@code *}. User-info in the proxy URL becomes Basic proxy credentials.
 * Only HTTP proxies (CONNECT for https targets), as the JDK HTTP client supports.
 */
public final class EnvironmentProxy extends ProxySelector {

    /** JDK property that, by default, forbids Basic auth to a proxy during HTTPS tunnelling. */
    private static final String TUNNELING_DISABLED_SCHEMES = "jdk.http.auth.tunneling.disabledSchemes";

    private final URI httpsProxy;
    private final URI httpProxy;
    private final List<String> noProxy;

    private EnvironmentProxy(URI httpsProxy, URI httpProxy, List<String> noProxy) {
        this.httpsProxy = httpsProxy;
        this.httpProxy = httpProxy;
        this.noProxy = noProxy;
    }

    /** The proxy settings of {@code environment}; an unusable proxy URL is an {@link IllegalArgumentException}. */
    public static EnvironmentProxy from(Map<String, String> environment) {
        return new EnvironmentProxy(proxyUri(environment, "HTTPS_PROXY"), proxyUri(environment, "HTTP_PROXY"),
                Arrays.stream(variable(environment, "NO_PROXY").orElse("").split(","))
                        .map(s -> s.trim().toLowerCase(Locale.ROOT))
                        .filter(s -> !s.isEmpty())
                        .toList());
    }

    /**
     * The {@code Proxy-Authorization} header for a request to {@code target}, when its proxy URL carries user-info.
     * Sent up front rather than through an {@link java.net.Authenticator}: the JDK copies it onto the CONNECT
     * request only, and an Authenticator would also meddle with the webhook's own Bearer authentication.
     */
    public Optional<String> proxyAuthorization(URI target) {
        URI proxy = proxyFor(target);
        if (proxy == null || userInfo(proxy) == null) {
            return Optional.empty();
        }
        String raw = userInfo(proxy);
        int colon = raw.indexOf(':');
        String user = percentDecode(colon < 0 ? raw : raw.substring(0, colon));
        String password = colon < 0 ? "" : percentDecode(raw.substring(colon + 1));
        return Optional.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** The JDK refuses Basic proxy auth for HTTPS tunnels unless told otherwise, and reads that once per JVM. */
    public void allowBasicAuthForTunnels() {
        if ((userInfo(httpsProxy) != null || userInfo(httpProxy) != null) && System.getProperty(TUNNELING_DISABLED_SCHEMES) == null) {
            System.setProperty(TUNNELING_DISABLED_SCHEMES, "");
        }
    }

    @Override
    public List<Proxy> select(URI uri) {
        URI proxy = proxyFor(uri);
        if (proxy == null) {
            return List.of(Proxy.NO_PROXY);
        }
        return List.of(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(proxy.getHost(), port(proxy))));
    }

    private URI proxyFor(URI target) {
        URI proxy = "https".equalsIgnoreCase(target.getScheme()) ? httpsProxy : httpProxy;
        return proxy == null || bypasses(target.getHost()) ? null : proxy;
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        // The retry loop reports the failure; there is no other proxy to fall back to.
    }

    boolean bypasses(String rawHost) {
        String host = rawHost.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        for (String entry : noProxy) {
            String bare = entry.startsWith(".") ? entry.substring(1) : entry;
            if (entry.equals("*") || host.equals(bare) || host.endsWith("." + bare) || inCidr(host, entry)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inCidr(String host, String entry) {
        int slash = entry.indexOf('/');
        if (slash < 0 || !host.matches("[0-9.]+")) {
            return false;
        }
        try {
            byte[] address = InetAddress.getByName(host).getAddress();
            byte[] network = InetAddress.getByName(entry.substring(0, slash)).getAddress();
            int bits = Integer.parseInt(entry.substring(slash + 1));
            if (address.length != network.length || bits < 0 || bits > address.length * 8) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    private static URI proxyUri(Map<String, String> environment, String name) {
        Optional<String> value = variable(environment, name).map(String::trim).filter(s -> !s.isEmpty());
        if (value.isEmpty()) {
            return null;
        }
        String text = value.get().contains("://") ? value.get() : "http://" + value.get();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            uri = null;
        }
        // The message leaves out the value: it may carry a password.
        if (uri == null || !"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an http:// proxy URL with a host");
        }
        return uri;
    }

    private static Optional<String> variable(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name)).or(() -> Optional.ofNullable(environment.get(name.toLowerCase(Locale.ROOT))));
    }

    /** Percent-decoding as in URIs: unlike form decoding, '+' stays '+'. */
    private static String percentDecode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static int port(URI proxy) {
        return proxy.getPort() > 0 ? proxy.getPort() : 80;
    }

    private static String userInfo(URI proxy) {
        return proxy == null ? null : proxy.getRawUserInfo();
    }
}
