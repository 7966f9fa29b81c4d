package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.tunnel.frame.Target;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.function.BiConsumer;

/** Connects a stream's target for the agent's session; {@link TargetDialer} in production, replaced in tests. */
interface Dialer {

    /** Dials {@code target}; {@code done} runs on {@code loop} with the connected channel (AUTO_READ off) or the cause. */
    void dial(Target target, EventLoop loop, BiConsumer<Channel, Throwable> done);
}
