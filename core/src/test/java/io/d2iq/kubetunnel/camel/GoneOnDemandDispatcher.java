package io.d2iq.kubetunnel.camel;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the CRUD dispatcher of the embedded API: counts opened watches and, on demand, answers the next watch the
 * way a real API server answers a watch whose resourceVersion was compacted away: the WebSocket opens and carries
 * one ERROR event with status 410 Gone.
 */
final class GoneOnDemandDispatcher extends Dispatcher {

    private static final String GONE_EVENT =
            "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                    + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\","
                    + "\"code\":410}}";

    private final Dispatcher crud;
    private final AtomicBoolean goneOnNextWatch = new AtomicBoolean();
    private final AtomicInteger watchesOpened = new AtomicInteger();
    private final AtomicInteger watchesGone = new AtomicInteger();

    GoneOnDemandDispatcher(Dispatcher crud) {
        this.crud = crud;
    }

    void answerNextWatchWithGone() {
        goneOnNextWatch.set(true);
    }

    /**
     * Watches the CRUD dispatcher has opened and replayed its objects on; writing while a replay runs can break
     * the embedded API's watches, so tests wait for this before they write.
     */
    int watchesOpened() {
        return watchesOpened.get();
    }

    /** Watch requests answered with 410 Gone. */
    int watchesGone() {
        return watchesGone.get();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (!request.getPath().contains("watch=true")) {
            return crud.dispatch(request);
        }
        if (goneOnNextWatch.compareAndSet(true, false)) {
            watchesGone.incrementAndGet();
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket webSocket, Response response) {
                    webSocket.send(GONE_EVENT);
                    webSocket.close(1000, "gone");
                }
            });
        }
        MockResponse response = crud.dispatch(request);
        WebSocketListener watch = response.getWebSocketListener();
        return watch == null ? response : response.withWebSocketUpgrade(new CountingOpens(watch));
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }

    /** Delegates everything, counting each open once the CRUD listener has finished its replay. */
    private final class CountingOpens extends WebSocketListener {

        private final WebSocketListener delegate;

        CountingOpens(WebSocketListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onBeforeAccept(WebSocket webSocket, Response response) {
            delegate.onBeforeAccept(webSocket, response);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            delegate.onOpen(webSocket, response);
            watchesOpened.incrementAndGet();
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            delegate.onMessage(webSocket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            delegate.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            delegate.onClosed(webSocket, code, reason);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
            delegate.onFailure(webSocket, failure, response);
        }
    }
}
