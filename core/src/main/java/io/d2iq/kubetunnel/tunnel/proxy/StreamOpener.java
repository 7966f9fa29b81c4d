package io.d2iq.kubetunnel.tunnel.proxy;

import io.d2iq.kubetunnel.tunnel.session.StreamOpenListener;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/** Opens a tunnel stream for an accepted proxy client; the server's session registry implements it. */
public interface StreamOpener {

    /** Opens a stream to {@code target} ({@code host:port}) for {@code client}, whose AUTO_READ is off. */
    void open(String target, Channel client, StreamOpenListener listener);

    /** The event loop new clients should live on (the current session's), or null for any. */
    EventLoop preferredLoop();
}
