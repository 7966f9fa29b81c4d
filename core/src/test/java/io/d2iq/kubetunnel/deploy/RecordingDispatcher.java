package io.d2iq.kubetunnel.deploy;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Wraps the embedded API's dispatcher and keeps the method and path of every request one User-Agent sends. */
final class RecordingDispatcher extends Dispatcher {

    /** One request: its method and path with query. */
    record Call(String method, String path) {}

    private final Dispatcher delegate;
    private final String userAgent;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    RecordingDispatcher(Dispatcher delegate, String userAgent) {
        this.delegate = delegate;
        this.userAgent = userAgent;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (userAgent.equals(request.getHeader("User-Agent"))) {
            calls.add(new Call(request.getMethod(), request.getPath()));
        }
        return delegate.dispatch(request);
    }

    @Override
    public void shutdown() {
        delegate.shutdown();
    }
}
