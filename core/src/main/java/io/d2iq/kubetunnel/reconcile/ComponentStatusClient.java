package io.d2iq.kubetunnel.reconcile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.status.TunnelServerReport;
import io.d2iq.kubetunnel.status.WebhookReport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the {@code GET /status} reports of a connector's tunnel server and webhook. An unreachable or
 * unreadable endpoint reads as "nothing known" so the state falls back to what can be proven; fields a newer
 * component adds are ignored.
 */
public final class ComponentStatusClient {

    /** A status endpoint that does not answer within this is treated as down. */
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(STATUS_TIMEOUT).build();
    private final ObjectMapper json =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final ServiceAddressResolver resolver;

    public ComponentStatusClient(ServiceAddressResolver resolver) {
        this.resolver = resolver;
    }

    /** Whether the connector's tunnel server reports a connected agent. */
    public boolean agentConnected(String namespace, String connector) {
        return status(namespace, ConnectorResources.tunnelServerName(connector), TunnelServerReport.class)
                .map(TunnelServerReport::agentConnected)
                .orElse(false);
    }

    /** The webhook's last rejection of a registration, if its status reports one. */
    public Optional<ConnectorFacts.Problem> registrationError(String namespace, String connector) {
        return status(namespace, ConnectorResources.kubeconfigWebhookName(connector), WebhookReport.class)
                .map(WebhookReport::lastError)
                .map(error -> new ConnectorFacts.Problem(
                        error.reason() == null ? WebhookReport.KUBECONFIG_INVALID : error.reason(),
                        error.message() == null ? "" : error.message()));
    }

    private <T> Optional<T> status(String namespace, String service, Class<T> report) {
        URI uri = resolver.resolve(namespace, service, ConnectorResources.TUNNEL_PORT)
                .resolve("/status");
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(STATUS_TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? Optional.of(json.readValue(response.body(), report))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
