package io.d2iq.kubetunnel.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP status and a JSON body: what every webhook endpoint answers. */
public record WebhookReply(int status, String json) {

    /** The {@code WWW-Authenticate} header of every 401. */
    public static final String BEARER_CHALLENGE = "Bearer realm=\"kubetunnel\"";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A reply whose body is {@code value} serialised as JSON. */
    public static WebhookReply of(int status, Object value) {
        try {
            return new WebhookReply(status, JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a webhook reply", e);
        }
    }

    /** An error reply: {@code {"reason": ..., "message": ...}}, the same shape as {@code lastError} in /status. */
    public static WebhookReply error(int status, String reason, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("reason", reason);
        body.put("message", message);
        return of(status, body);
    }
}
