package io.d2iq.kubetunnel.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** GETs on a role's management port over real HTTP, as the kubelet and Prometheus do, and the checks roles share. */
public final class ManagementClient {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public ManagementClient(int port) {
        this.port = port;
    }

    /** A port free on every interface (management ports listen on all of them) for a role's {@code --management-port}. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public HttpResponse<String> get(String path) {
        return get("127.0.0.1", path);
    }

    /** A GET addressed to {@code host} (a name or another local address), for checks of what listens where. */
    public HttpResponse<String> get(String host, String path) {
        return send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(20))
                .GET()
                .build());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * For a role whose Kubernetes API has just gone: waits until readiness answers 503 with the API check down,
     * then asserts that liveness still answers 200 and does not look at the API (a lost API is no reason to restart).
     */
    public void awaitUnreadyWhileLiveWithoutKubernetesApi(Duration wait) {
        await().atMost(wait).untilAsserted(() -> {
            HttpResponse<String> unready = get("/observe/health/ready");
            assertThat(unready.statusCode()).isEqualTo(503);
            assertThat(unready.body()).contains("{\"name\":\"kubernetes-api\",\"status\":\"DOWN\"");
        });
        HttpResponse<String> live = get("/observe/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).doesNotContain("kubernetes-api");
    }

    /** {@code /observe/metrics}, asserting nothing but returning the body (empty unless 200). */
    public String scrape() {
        HttpResponse<String> response = get("/observe/metrics");
        return response.statusCode() == 200 ? response.body() : "";
    }
}
