package io.d2iq.kubetunnel.tunnel.session;

import io.d2iq.kubetunnel.tunnel.frame.Frame;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replies a peer provokes (PONG, WebSocket pong, OPEN_FAIL), written so that a peer that sends requests
 * and never reads the answers cannot grow this side's outbound buffer: while more than
 * {@link ProtocolConstants#MAX_UNSENT_CONTROL_REPLIES} replies wait to be written to the socket, the tunnel
 * socket is not read, so the peer's further requests stay in its own buffers. Reading resumes once the
 * backlog is down to half; a peer that never reads also never answers our PING and is dropped after
 * {@link KeepAlive#timeout()}.
 *
 * <p>Why a backlog of replies and not the channel's writability: a busy but honest peer makes the tunnel
 * socket unwritable for moments, and if both ends stopped reading whenever a PING met an unwritable socket,
 * two busy ends could stop reading each other at once and never resume. An honest peer has one PING and a
 * few refused OPENs outstanding; only one that does not read builds up this backlog.
 * One instance per tunnel channel; every method runs on its event loop.
 */
public final class ControlReplies {

    private static final Logger LOG = LoggerFactory.getLogger(ControlReplies.class);

    private final Channel channel;
    private int unsent;
    private boolean readingPaused;

    public ControlReplies(Channel channel) {
        this.channel = channel;
    }

    /** Writes {@code reply} (a {@link Frame} or a WebSocket frame) and pauses reading while too many are unsent. */
    public void send(Object reply) {
        unsent++;
        channel.writeAndFlush(reply).addListener((ChannelFutureListener) future -> sent());
        if (unsent > ProtocolConstants.MAX_UNSENT_CONTROL_REPLIES && !readingPaused) {
            readingPaused = true;
            channel.config().setAutoRead(false);
            LOG.warn(
                    "tunnel peer {} does not read its control replies ({} unsent): not reading from it until it does",
                    channel.remoteAddress(),
                    unsent);
        }
    }

    private void sent() {
        unsent--;
        if (readingPaused && unsent <= ProtocolConstants.MAX_UNSENT_CONTROL_REPLIES / 2) {
            readingPaused = false;
            channel.config().setAutoRead(true);
        }
    }
}
