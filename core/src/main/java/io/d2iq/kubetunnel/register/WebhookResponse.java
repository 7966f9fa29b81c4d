package io.d2iq.kubetunnel.register;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the webhook answered, and how {@code register} reads it. */
public record WebhookResponse(int status, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_SUMMARY = 200;

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** 4xx other than 429 will not change on retry: a wrong token, an invalid kubeconfig, a too large body. */
    public boolean isRetryable() {
        return status == 429 || status >= 500;
    }

    /** One line: the status and the webhook's reason and message, when it gave them. */
    public String summary() {
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.hasNonNull("reason")) {
                return oneLine("HTTP " + status + " " + json.get("reason").asText() + ": "
                        + json.path("message").asText());
            }
            if (json != null && json.hasNonNull("result")) {
                return oneLine("HTTP " + status + " " + json.get("result").asText());
            }
        } catch (Exception e) {
            // not JSON (a proxy's or ingress's page): fall through to the raw text
        }
        return oneLine(body == null || body.isBlank() ? "HTTP " + status : "HTTP " + status + ": " + body);
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() > MAX_SUMMARY ? line.substring(0, MAX_SUMMARY) + "..." : line;
    }
}
