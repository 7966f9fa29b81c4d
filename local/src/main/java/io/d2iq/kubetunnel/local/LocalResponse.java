package io.d2iq.kubetunnel.local;

import java.nio.charset.StandardCharsets;

/** A complete answer our layer writes: status, content type and body. */
record LocalResponse(int status, String contentType, byte[] body) {

    static LocalResponse json(int status, String json) {
        return new LocalResponse(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static LocalResponse failure(int status, String reason, String message) {
        return json(status, ApiStatus.failure(status, reason, message));
    }
}
