package io.d2iq.kubetunnel.reach;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS "API server" that answers every request 401 Unauthorized with a Kubernetes Status, as a real one
 * does for a revoked token: the embedded API accepts any token, so it cannot play this part.
 */
final class RejectingApiServer implements AutoCloseable {

    private static final byte[] UNAUTHORIZED = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}
            """.getBytes(StandardCharsets.UTF_8);

    private final HttpsServer server;
    private final String caPem;
    private final AtomicInteger requests = new AtomicInteger();

    RejectingApiServer() {
        CertificateAuthority ca = CertificateAuthority.generate("rejecting-api-ca");
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(ca.issueLocalhost().jdkServerContext()));
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(401, UNAUTHORIZED.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(UNAUTHORIZED);
            }
        });
        server.start();
        caPem = ca.certificatePem();
    }

    String url() {
        return "https://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String caCertificatePem() {
        return caPem;
    }

    /** Requests answered so far: proves the 401 came from here, through the tunnel. */
    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
