package io.d2iq.kubetunnel.tunnel.proxy;

import io.d2iq.kubetunnel.tunnel.session.NettyTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The proxy port's child group: each accepted client is registered on the event loop of the current tunnel
 * session, so relaying its bytes never hands work to another thread (a cross-thread task per read, write
 * and completion was the main cost per request). Without a session, clients go to the fallback group.
 * Only placement changes: every stream event still goes through the session's loop, wherever a socket lives.
 */
final class SessionAffineEventLoopGroup extends AbstractEventExecutorGroup implements EventLoopGroup {

    private final Supplier<EventLoop> sessionLoop;
    private final EventLoopGroup fallback;

    SessionAffineEventLoopGroup(Supplier<EventLoop> sessionLoop, EventLoopGroup fallback) {
        this.sessionLoop = sessionLoop;
        this.fallback = fallback;
    }

    @Override
    public EventLoop next() {
        EventLoop loop = sessionLoop.get();
        // a socket can only be registered on a loop of its own transport (see NettyTransport)
        return loop != null && NettyTransport.runs(loop) && !loop.isShuttingDown() ? loop : fallback.next();
    }

    @Override
    public ChannelFuture register(Channel channel) {
        return next().register(channel);
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
        return next().register(promise);
    }

    @Deprecated
    @Override
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
        return next().register(channel, promise);
    }

    @Override
    public Iterator<EventExecutor> iterator() {
        return fallback.iterator();
    }

    @Override
    public boolean isShuttingDown() {
        return fallback.isShuttingDown();
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
        return fallback.shutdownGracefully(quietPeriod, timeout, unit);
    }

    @Override
    public Future<?> terminationFuture() {
        return fallback.terminationFuture();
    }

    @Deprecated
    @Override
    public void shutdown() {
        fallback.shutdown();
    }

    @Override
    public boolean isShutdown() {
        return fallback.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return fallback.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return fallback.awaitTermination(timeout, unit);
    }
}
