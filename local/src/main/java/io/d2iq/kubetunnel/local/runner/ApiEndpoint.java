package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The API server the workloads live in, as a pod sees it: {@code KUBERNETES_SERVICE_HOST/PORT} and the
 * CA in its service account's {@code ca.crt}.
 *
 * @param url   base URL, e.g. {@code https://127.0.0.1:41234}
 * @param caPem the CA that signs its certificate, or null for plain HTTP
 */
record ApiEndpoint(URI url, String caPem) {

    String host() {
        return url.getHost();
    }

    int port() {
        return url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
    }

    /** From the runner's client configuration; {@code caPem} overrides the configured CA when not null. */
    static ApiEndpoint of(Config config, String caPem) {
        String base = config.getMasterUrl().endsWith("/")
                ? config.getMasterUrl().substring(0, config.getMasterUrl().length() - 1)
                : config.getMasterUrl();
        URI url = URI.create(base);
        if (!"https".equals(url.getScheme())) {
            return new ApiEndpoint(url, null);
        }
        return new ApiEndpoint(url, caPem != null ? caPem : configuredCa(config));
    }

    private static String configuredCa(Config config) {
        if (config.getCaCertData() != null) {
            return new String(Base64.getDecoder().decode(config.getCaCertData().strip()), StandardCharsets.UTF_8);
        }
        if (config.getCaCertFile() != null) {
            try {
                return Files.readString(Path.of(config.getCaCertFile()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the API CA " + config.getCaCertFile(), e);
            }
        }
        return null;
    }
}
