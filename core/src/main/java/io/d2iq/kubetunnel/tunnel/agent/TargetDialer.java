package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.frame.Target;
import io.d2iq.kubetunnel.tunnel.session.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Connects stream targets from the agent. Names are resolved on a small thread pool (the JDK resolver
 * blocks, and a slow DNS answer must not stall the tunnel's event loop); IP literals need no lookup. The
 * socket then lives on the session's event loop, so relaying needs no thread hops.
 */
final class TargetDialer implements Dialer {

    /** Threads resolving target names at once. */
    static final int RESOLVER_THREADS = 4;

    private final ExecutorService resolver;

    TargetDialer() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                RESOLVER_THREADS, RESOLVER_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "agent-resolver");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        this.resolver = pool;
    }

    @Override
    public void dial(Target target, EventLoop loop, BiConsumer<Channel, Throwable> done) {
        InetAddress literal = ipLiteral(target.host());
        if (literal != null) {
            // nothing to look up (the in-cluster API server's address is a literal): no trip through the pool
            loop.execute(() -> connect(new InetSocketAddress(literal, target.port()), loop, done));
            return;
        }
        CompletableFuture.supplyAsync(() -> resolve(target.host()), resolver)
                .whenComplete((address, error) -> loop.execute(() -> {
                    if (error != null) {
                        done.accept(
                                null,
                                error instanceof CompletionException && error.getCause() != null
                                        ? error.getCause()
                                        : error);
                    } else {
                        connect(new InetSocketAddress(address, target.port()), loop, done);
                    }
                }));
    }

    private static void connect(InetSocketAddress address, EventLoop loop, BiConsumer<Channel, Throwable> done) {
        new Bootstrap()
                .group(loop)
                .channel(NettyTransport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) ProtocolConstants.DIAL_TIMEOUT.toMillis())
                .option(
                        ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(512, 16 * 1024, ProtocolConstants.LOCAL_READ_SIZE))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // the stream adds its relay handler once connected
                    }
                })
                .connect(address)
                .addListener(future -> {
                    Channel channel = ((io.netty.channel.ChannelFuture) future).channel();
                    done.accept(future.isSuccess() ? channel : null, future.cause());
                });
    }

    /** The address if {@code host} is an IPv4 or IPv6 literal, else null. */
    private static InetAddress ipLiteral(String host) {
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            return null;
        }
        try {
            return InetAddress.getByAddress(host, bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new CompletionException(e);
        }
    }

    /** The reason code the server passes to the proxy client. */
    static DialFailure classify(Throwable cause) {
        if (cause instanceof UnknownHostException || cause instanceof NoRouteToHostException) {
            return DialFailure.HOST_UNREACHABLE;
        }
        if (cause instanceof ConnectTimeoutException) {
            return DialFailure.TIMED_OUT;
        }
        String message = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (cause instanceof ConnectException && message.contains("refused")) {
            return DialFailure.CONNECTION_REFUSED;
        }
        if (message.contains("network is unreachable")) {
            return DialFailure.NETWORK_UNREACHABLE;
        }
        return DialFailure.GENERAL;
    }

    @Override
    public void close() {
        resolver.shutdownNow();
    }
}
