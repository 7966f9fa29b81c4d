package io.d2iq.kubetunnel.informer;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps the CRUD dispatcher of the embedded API: counts watch requests and, on demand, answers the next watch the
 * way a real API server answers a watch whose resourceVersion was compacted away: the WebSocket opens and carries
 * one ERROR event with status 410 Gone.
 */
final class GoneOnDemandDispatcher extends Dispatcher {

    private static final String GONE_EVENT = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
            + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\","
            + "\"code\":410}}";

    private final Dispatcher crud;
    private final AtomicBoolean goneOnNextWatch = new AtomicBoolean();
    private final AtomicInteger watchesServed = new AtomicInteger();
    private final AtomicInteger watchesGone = new AtomicInteger();

    GoneOnDemandDispatcher(Dispatcher crud) {
        this.crud = crud;
    }

    void answerNextWatchWithGone() {
        goneOnNextWatch.set(true);
    }

    /** Watch requests handed to the CRUD dispatcher. */
    int watchesServed() {
        return watchesServed.get();
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
        watchesServed.incrementAndGet();
        return response;
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }
}
