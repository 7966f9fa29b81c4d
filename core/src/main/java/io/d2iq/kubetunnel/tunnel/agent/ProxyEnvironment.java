package io.d2iq.kubetunnel.tunnel.agent;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code HTTPS_PROXY} and {@code NO_PROXY} as curl and Go read them: the proxy URL may carry
 * {@code user:password@} for basic auth; NO_PROXY entries are {@code *}, host names (matching the host and
 * its subdomains, with or without a leading dot), IP literals, each optionally with {@code :port}.
 */
public final class ProxyEnvironment {

    /** An HTTP CONNECT proxy; username and password are null without basic auth. */
    public record HttpProxy(String host, int port, String username, String password) {

        @Override
        public String toString() {
            return host + ":" + port + (username != null ? " (basic auth as " + username + ")" : "");
        }
    }

    private final HttpProxy proxy;
    private final List<String> noProxy;

    ProxyEnvironment(HttpProxy proxy, List<String> noProxy) {
        this.proxy = proxy;
        this.noProxy = noProxy;
    }

    /** Reads HTTPS_PROXY/https_proxy and NO_PROXY/no_proxy (upper case first). */
    public static ProxyEnvironment from(Map<String, String> environment) {
        String proxyUrl = first(environment, "HTTPS_PROXY", "https_proxy");
        String noProxy = first(environment, "NO_PROXY", "no_proxy");
        List<String> entries = new ArrayList<>();
        if (noProxy != null) {
            for (String entry : noProxy.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return new ProxyEnvironment(proxyUrl == null || proxyUrl.isBlank() ? null : parseProxy(proxyUrl.trim()), entries);
    }

    private static String first(Map<String, String> environment, String... names) {
        for (String name : names) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    static HttpProxy parseProxy(String url) {
        URI uri = URI.create(url.contains("://") ? url : "http://" + url);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("HTTPS_PROXY '" + uri.getScheme() + "://" + uri.getRawAuthority() + "' has no host");
        }
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("HTTPS_PROXY must be an http:// proxy (HTTP CONNECT), not " + uri.getScheme());
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String username = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            username = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
            password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
        }
        return new HttpProxy(uri.getHost(), port, username, password);
    }

    /** The proxy to use for {@code host:port}, or empty to connect directly. */
    public Optional<HttpProxy> proxyFor(String host, int port) {
        if (proxy == null || bypasses(host.toLowerCase(Locale.ROOT), port)) {
            return Optional.empty();
        }
        return Optional.of(proxy);
    }

    private boolean bypasses(String host, int port) {
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String name = entry;
            int colon = entry.lastIndexOf(':');
            if (colon > 0 && !entry.endsWith("]") && entry.indexOf(':') == colon) {
                if (!entry.substring(colon + 1).equals(String.valueOf(port))) {
                    continue;
                }
                name = entry.substring(0, colon);
            }
            name = name.startsWith(".") ? name.substring(1) : name;
            if (host.equals(name) || host.endsWith("." + name)) {
                return true;
            }
        }
        return false;
    }
}
