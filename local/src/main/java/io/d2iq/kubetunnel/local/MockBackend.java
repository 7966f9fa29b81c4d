package io.d2iq.kubetunnel.local;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's kubernetes-server-mock in CRUD mode, its store indexed ({@link IndexedCrudDispatcher}), on a loopback
 * port only our layer talks to, and the HTTP client that forwards requests to it.
 */
final class MockBackend implements AutoCloseable {

    /** A request the mock does not answer in this time is answered 500 by our layer instead of hanging. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** The mock's answer. */
    record Reply(int status, String body) {}

    private final KubernetesMockServer server;
    private final HttpClient http;
    private final ExecutorService httpThreads;

    MockBackend() {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new IndexedCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        httpThreads = Executors.newCachedThreadPool(daemonThreads("local-api-mock-client"));
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(REQUEST_TIMEOUT)
                .executor(httpThreads)
                .build();
    }

    /** Sends one request to the mock; {@code pathAndQuery} starts with '/'. */
    Reply send(String method, String pathAndQuery, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("http", pathAndQuery))
                .timeout(REQUEST_TIMEOUT)
                .method(
                        method,
                        body.length == 0
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body());
    }

    /** GET of a path; the body of a 200, or null. */
    String get(String path) throws IOException, InterruptedException {
        Reply reply = send("GET", path, null, new byte[0]);
        return reply.status() == 200 ? reply.body() : null;
    }

    /** The WebSocket address of a watch on the mock. */
    URI webSocketUri(String pathAndQuery) {
        return uri("ws", pathAndQuery);
    }

    HttpClient http() {
        return http;
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private URI uri(String scheme, String pathAndQuery) {
        return URI.create(scheme + "://127.0.0.1:" + server.getPort() + pathAndQuery);
    }

    @Override
    public void close() {
        httpThreads.shutdownNow();
        server.destroy();
    }
}
