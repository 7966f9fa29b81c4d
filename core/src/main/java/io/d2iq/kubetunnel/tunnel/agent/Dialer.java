package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.tunnel.frame.Target;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.function.BiConsumer;

/**
 * How the agent opens a stream's target, given to the agent rather than built inside (as remotedialer's client
 * takes its dialer): {@link TargetDialer} in production (TCP from the agent's pod), a test's own elsewhere.
 */
public interface Dialer extends AutoCloseable {

    /** Dials {@code target}; {@code done} runs on {@code loop} with the connected channel (AUTO_READ off) or the cause. */
    void dial(Target target, EventLoop loop, BiConsumer<Channel, Throwable> done);

    /** Releases what the dialer holds (its resolver threads); the agent calls it when it closes. */
    @Override
    default void close() {}
}
