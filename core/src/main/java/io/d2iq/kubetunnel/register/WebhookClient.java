package io.d2iq.kubetunnel.register;

import io.d2iq.kubetunnel.proxyenv.JdkProxySelector;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** POSTs a kubeconfig to the webhook with the connector's token, through the environment's proxy. */
public final class WebhookClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http;
    private final URI webhook;
    private final String proxyAuthorization;

    public WebhookClient(URI webhook, SSLContext tls, JdkProxySelector proxy) {
        this.webhook = webhook;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .sslContext(tls)
                .proxy(proxy);
        this.http = builder.build();
        this.proxyAuthorization = proxy.proxyAuthorization(webhook).orElse(null);
    }

    public WebhookResponse post(String token, byte[] kubeconfig) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/yaml")
                .POST(HttpRequest.BodyPublishers.ofByteArray(kubeconfig));
        if (proxyAuthorization != null) {
            request.header("Proxy-Authorization", proxyAuthorization);
        }
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new WebhookResponse(response.statusCode(), response.body());
    }
}
