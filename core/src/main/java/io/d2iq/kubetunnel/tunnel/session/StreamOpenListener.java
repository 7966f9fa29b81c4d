package io.d2iq.kubetunnel.tunnel.session;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;

/** Told, on the session's event loop, how an OPEN ended; used by the side that opens streams (the server). */
public interface StreamOpenListener {

    /**
     * The agent connected the target. Anything the listener writes to the local channel here is written
     * before the stream's first DATA.
     */
    void opened();

    /** The stream will not open; the listener answers its client and closes the local channel. */
    void failed(DialFailure failure, String message);
}
