package io.d2iq.kubetunnel.proxyenv;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one reader of {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY}, shared by the agent and
 * {@code register} so both take the same route. Like Go's {@code httpproxy} (which Kubernetes tooling uses), the
 * upper-case name wins over the lower-case one. Proxy URLs may leave out {@code http://}; percent-encoded
 * user-info becomes basic-auth credentials. NO_PROXY entries: {@code *}, host names matching the host and its
 * subdomains (a leading dot or not, as curl), IP literals, IPv4/IPv6 CIDR blocks, each name or IP optionally
 * with {@code :port}. Only HTTP proxies (CONNECT for https targets).
 */
public final class ProxyEnvironment {

    private final HttpProxy httpsProxy;
    private final HttpProxy httpProxy;
    private final List<String> noProxy;

    private ProxyEnvironment(HttpProxy httpsProxy, HttpProxy httpProxy, List<String> noProxy) {
        this.httpsProxy = httpsProxy;
        this.httpProxy = httpProxy;
        this.noProxy = noProxy;
    }

    /** The proxy settings of {@code environment}; an unusable proxy URL is an {@link IllegalArgumentException}. */
    public static ProxyEnvironment from(Map<String, String> environment) {
        return new ProxyEnvironment(
                proxy(environment, "HTTPS_PROXY"),
                proxy(environment, "HTTP_PROXY"),
                Arrays.stream(variable(environment, "NO_PROXY").orElse("").split(","))
                        .map(s -> s.trim().toLowerCase(Locale.ROOT))
                        .filter(s -> !s.isEmpty())
                        .toList());
    }

    /** The proxy for {@code scheme://host:port} ({@code https}/{@code wss} use HTTPS_PROXY), or empty to go direct. */
    public Optional<HttpProxy> proxyFor(String scheme, String host, int port) {
        boolean secure = "https".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme);
        HttpProxy proxy = secure ? httpsProxy : httpProxy;
        return proxy == null || bypasses(bare(host), port) ? Optional.empty() : Optional.of(proxy);
    }

    /** Whether any configured proxy carries credentials. */
    public boolean hasCredentials() {
        return (httpsProxy != null && httpsProxy.username() != null)
                || (httpProxy != null && httpProxy.username() != null);
    }

    private boolean bypasses(String host, int port) {
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            if (entry.contains("/")) {
                if (inCidr(host, entry)) {
                    return true;
                }
                continue;
            }
            String name = entry;
            String entryPort = null;
            if (entry.startsWith("[")) {
                int close = entry.indexOf(']');
                name = entry.substring(1, close < 0 ? entry.length() : close);
                entryPort = close >= 0 && entry.startsWith(":", close + 1) ? entry.substring(close + 2) : null;
            } else if (entry.indexOf(':') > 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
                name = entry.substring(0, entry.indexOf(':'));
                entryPort = entry.substring(entry.indexOf(':') + 1);
            }
            if (entryPort != null && !entryPort.equals(String.valueOf(port))) {
                continue;
            }
            name = name.startsWith(".") ? name.substring(1) : name;
            if (host.equals(name) || host.endsWith("." + name) || sameAddress(host, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean inCidr(String host, String entry) {
        int slash = entry.indexOf('/');
        byte[] address = literal(host);
        byte[] network = literal(bare(entry.substring(0, slash)));
        if (address == null || network == null || address.length != network.length) {
            return false;
        }
        int bits;
        try {
            bits = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
            return false;
        }
        if (bits < 0 || bits > address.length * 8) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    /** IPv6 literals have many spellings ({@code ::1}, {@code 0:0:0:0:0:0:0:1}). */
    private static boolean sameAddress(String host, String name) {
        byte[] a = literal(host);
        byte[] b = literal(name);
        return a != null && b != null && Arrays.equals(a, b);
    }

    /** The bytes of an IP literal, or null for a host name; never a DNS lookup. */
    private static byte[] literal(String text) {
        if (!text.matches("[0-9.]+") && !(text.contains(":") && text.matches("[0-9a-f:.]+"))) {
            return null;
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String bare(String host) {
        return host.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
    }

    private static HttpProxy proxy(Map<String, String> environment, String name) {
        Optional<String> value = variable(environment, name);
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
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        String raw = uri.getRawUserInfo();
        if (raw == null) {
            return new HttpProxy(uri.getHost(), port, null, null);
        }
        int colon = raw.indexOf(':');
        return new HttpProxy(
                uri.getHost(),
                port,
                percentDecode(colon < 0 ? raw : raw.substring(0, colon)),
                colon < 0 ? "" : percentDecode(raw.substring(colon + 1)));
    }

    /** Upper case first, as Go's httpproxy; a blank value counts as unset. */
    private static Optional<String> variable(Map<String, String> environment, String name) {
        return Optional.ofNullable(environment.get(name))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .or(() -> Optional.ofNullable(environment.get(name.toLowerCase(Locale.ROOT)))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty()));
    }

    /** Percent-decoding as in URIs: unlike form decoding, '+' stays '+'. */
    private static String percentDecode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
