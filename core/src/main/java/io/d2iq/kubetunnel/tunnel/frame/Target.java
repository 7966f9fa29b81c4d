package io.d2iq.kubetunnel.tunnel.frame;

import java.util.Locale;

/** A stream's target, {@code host:port}; IPv6 literals are bracketed ({@code [::1]:443}). */
public record Target(String host, int port) {

    public Target {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("target host is empty");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("target port " + port + " is not in 1..65535");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /** Parses {@code host:port} or {@code [v6]:port}; throws IllegalArgumentException with a reason. */
    public static Target parse(String value) {
        String text = value == null ? "" : value.trim();
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("'" + value + "' is not host:port");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("'" + value + "': IPv6 addresses must be bracketed, as in [::1]:443");
        }
        try {
            return new Target(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' has no numeric port");
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
