package io.d2iq.kubetunnel.proxyenv;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** An HTTP CONNECT proxy; username and password are null without basic auth. */
public record HttpProxy(String host, int port, String username, String password) {

    /** The {@code Proxy-Authorization} value for the proxy's credentials, if it has any. */
    public Optional<String> basicAuthorization() {
        if (username == null) {
            return Optional.empty();
        }
        return Optional.of("Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    /** Leaves the password out: this ends up in logs. */
    @Override
    public String toString() {
        return host + ":" + port + (username != null ? " (basic auth as " + username + ")" : "");
    }
}
