package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a watch the way kubectl and client-go ask for it (a GET with {@code watch=true} answered by an HTTP
 * chunked stream of JSON events, one per line) from the mock's WebSocket watch. The mock first replays every
 * existing object as ADDED; events of objects not newer than the client's {@code resourceVersion} are
 * dropped, as the real server would not send them.
 */
final class WatchBridge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatchBridge.class);

    private static final Set<String> OBJECT_EVENTS = Set.of("ADDED", "MODIFIED", "DELETED");

    private final MockBackend mock;
    private final Set<CompletableFuture<Void>> open = ConcurrentHashMap.newKeySet();

    WatchBridge(MockBackend mock) {
        this.mock = mock;
    }

    /**
     * Streams events until the client goes away, the mock closes, {@code timeout} passes or this bridge closes.
     *
     * @param mockPathAndQuery the watch request as the mock understands it
     * @param sinceVersion     the client's resourceVersion; ADDED events of objects at or below it are dropped
     * @param render           turns each event's object into what the client asked for (e.g. a Table)
     */
    void serve(
            HttpExchange exchange,
            String mockPathAndQuery,
            long sinceVersion,
            Duration timeout,
            UnaryOperator<JsonNode> render)
            throws IOException {
        CompletableFuture<Void> done = new CompletableFuture<>();
        open.add(done);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        WebSocket socket = null;
        try {
            socket = mock.http()
                    .newWebSocketBuilder()
                    .buildAsync(
                            mock.webSocketUri(mockPathAndQuery), new EventForwarder(out, sinceVersion, render, done))
                    .get(MockBackend.REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.debug("watch {} ends: {}", mockPathAndQuery, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(done);
            if (socket != null) {
                socket.abort();
            }
            closeQuietly(out);
            exchange.close();
        }
    }

    /** Ends every open watch, so a stopping server does not wait for them. */
    @Override
    public void close() {
        open.forEach(done -> done.complete(null));
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            LOG.debug("watch client already gone: {}", e.toString());
        }
    }

    /** Writes each complete WebSocket text message of the mock as one line of the chunked answer. */
    private static final class EventForwarder implements WebSocket.Listener {

        private final OutputStream out;
        private final long sinceVersion;
        private final UnaryOperator<JsonNode> render;
        private final CompletableFuture<Void> done;
        private final StringBuilder message = new StringBuilder();

        EventForwarder(
                OutputStream out, long sinceVersion, UnaryOperator<JsonNode> render, CompletableFuture<Void> done) {
            this.out = out;
            this.sinceVersion = sinceVersion;
            this.render = render;
            this.done = done;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String text = message.toString();
                message.setLength(0);
                try {
                    ObjectNode event = (ObjectNode) ApiStatus.JSON.readTree(text);
                    if (isNew(event)) {
                        if (OBJECT_EVENTS.contains(event.path("type").asText())) {
                            event.set("object", render.apply(event.path("object")));
                        }
                        synchronized (out) {
                            out.write((event + "\n").getBytes(StandardCharsets.UTF_8));
                            out.flush();
                        }
                    }
                } catch (IOException e) {
                    done.complete(null);
                    return null;
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
            done.complete(null);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            done.complete(null);
        }

        private boolean isNew(JsonNode node) {
            if (sinceVersion <= 0) {
                return true;
            }
            if (!"ADDED".equals(node.path("type").asText())) {
                return true;
            }
            return ResourceVersions.of(node.path("object")) > sinceVersion;
        }
    }
}
