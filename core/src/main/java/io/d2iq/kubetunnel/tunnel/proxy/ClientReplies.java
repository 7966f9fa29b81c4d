package io.d2iq.kubetunnel.tunnel.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;

/** Helpers shared by the two handshakes. */
final class ClientReplies {

    private ClientReplies() {}

    /** Runs on the client channel's loop, inline when already there, so replies keep their order relative to relayed data. */
    static void onLoop(Channel channel, Runnable task) {
        EventExecutor loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** Removes handshake handlers that may already be gone (a closed channel empties its pipeline). */
    static void removeIfPresent(ChannelPipeline pipeline, String... names) {
        for (String name : names) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
    }
}
