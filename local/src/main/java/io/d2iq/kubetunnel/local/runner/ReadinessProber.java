package io.d2iq.kubetunnel.local.runner;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The kubelet's HTTP readiness probe: a 2xx or 3xx answer on the loopback port means ready. */
final class ReadinessProber implements AutoCloseable {

    /** As the kubelet's default timeoutSeconds. */
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "local-runner-probe");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(TIMEOUT)
            .executor(executor)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    CompletableFuture<Boolean> probe(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + (path.startsWith("/") ? path : "/" + path)))
                .timeout(TIMEOUT)
                .GET()
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() >= 200 && response.statusCode() < 400)
                .exceptionally(failure -> false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
