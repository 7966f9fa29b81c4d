package io.d2iq.kubetunnel.guard;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the connection a fixed time after it was accepted unless this handler has been removed by then
 * (removing it is how a handshake or an authentication passes). Unlike an idle timeout, bytes that
 * trickle in do not move the deadline, so a client sending one byte every few seconds is closed all the same.
 */
public final class HandshakeDeadline extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeDeadline.class);

    private final Duration deadline;
    private ScheduledFuture<?> expiry;

    public HandshakeDeadline(Duration deadline) {
        this.deadline = deadline;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        expiry = ctx.executor()
                .schedule(
                        () -> {
                            LOG.debug(
                                    "closing the connection from {}: no handshake within {}",
                                    ctx.channel().remoteAddress(),
                                    deadline);
                            ctx.channel().close();
                        },
                        deadline.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        expiry.cancel(false);
    }
}
