package io.d2iq.kubetunnel.tunnel.proxy;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.session.StreamOpenListener;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Helpers shared by the two handshakes. */
final class ClientReplies {

    private static final Logger LOG = LoggerFactory.getLogger(ClientReplies.class);

    private ClientReplies() {}

    /**
     * Opens a stream to {@code target} for a handshake that asked for it. The client is not read until the agent
     * answers and its handshake deadline no longer applies; the reply runs on the client's loop, and on success
     * the {@code handshakeHandlers} leave the pipeline so that only relayed bytes follow.
     *
     * @param protocol names the handshake in the log line of a failed dial
     */
    static void openStream(
            StreamOpener opener,
            Channel client,
            String target,
            String protocol,
            Runnable replyOpened,
            BiConsumer<DialFailure, String> replyFailed,
            String... handshakeHandlers) {
        client.config().setAutoRead(false);
        removeIfPresent(client.pipeline(), ProxyServer.HANDSHAKE_DEADLINE_HANDLER);
        opener.open(target, client, new StreamOpenListener() {
            @Override
            public void opened() {
                onLoop(client, () -> {
                    replyOpened.run();
                    removeIfPresent(client.pipeline(), handshakeHandlers);
                });
            }

            @Override
            public void failed(DialFailure failure, String message) {
                LOG.info(
                        "{} CONNECT from {} to {} failed: {} ({})",
                        protocol,
                        client.remoteAddress(),
                        target,
                        failure,
                        message);
                onLoop(client, () -> replyFailed.accept(failure, message));
            }
        });
    }

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
