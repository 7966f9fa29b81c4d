package io.d2iq.kubetunnel.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.d2iq.kubetunnel.model.ConnectorResources;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the {@code GET /status} JSON of a connector's tunnel server and webhook. An unreachable or
 * unreadable endpoint reads as "nothing known" so the state falls back to what can be proven.
 */
public final class ComponentStatusClient {

    /** A status endpoint that does not answer within this is treated as down. */
    static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(STATUS_TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();
    private final ServiceAddressResolver resolver;

    public ComponentStatusClient(ServiceAddressResolver resolver) {
        this.resolver = resolver;
    }

    /** Whether the connector's tunnel server reports a connected agent. */
    public boolean agentConnected(String namespace, String connector) {
        return status(namespace, ConnectorResources.tunnelServerName(connector))
                .map(status -> status.path("agentConnected").asBoolean(false))
                .orElse(false);
    }

    /** The webhook's last rejection of a registration, if its status reports one. */
    public Optional<ConnectorFacts.Problem> registrationError(String namespace, String connector) {
        return status(namespace, ConnectorResources.kubeconfigWebhookName(connector))
                .map(status -> status.path("lastError"))
                .filter(JsonNode::isObject)
                .map(error -> new ConnectorFacts.Problem(error.path("reason").asText("KubeconfigInvalid"), error.path("message").asText("")));
    }

    private Optional<JsonNode> status(String namespace, String service) {
        URI uri = resolver.resolve(namespace, service, ConnectorResources.TUNNEL_PORT).resolve("/status");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(STATUS_TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(json.readTree(response.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
