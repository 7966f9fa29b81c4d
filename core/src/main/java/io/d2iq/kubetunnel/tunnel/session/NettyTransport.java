package io.d2iq.kubetunnel.tunnel.session;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The socket transport of the tunnel, the proxy port and dialed targets: Linux epoll where Netty's native
 * library loads (fewer copies and syscalls than NIO), NIO elsewhere. A channel can only be registered on a
 * loop of its own transport, and the server's session lives on Camel's worker loop, so every group and
 * channel of the data plane (Camel's netty-http included, via {@code nativeTransport}) asks this class.
 */
public final class NettyTransport {

    /** Whether the native epoll transport is in use. */
    public static final boolean EPOLL = Epoll.isAvailable();

    private NettyTransport() {}

    /** @param threads 0 for Netty's default (twice the cores) */
    public static EventLoopGroup newGroup(int threads) {
        return EPOLL ? new EpollEventLoopGroup(threads) : new NioEventLoopGroup(threads);
    }

    public static Class<? extends SocketChannel> socketChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public static Class<? extends ServerSocketChannel> serverSocketChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** Whether {@code loop} is of this transport, so that its channels can be registered on it. */
    public static boolean runs(EventLoop loop) {
        EventLoopGroup parent = loop.parent();
        return EPOLL ? parent instanceof EpollEventLoopGroup : parent instanceof NioEventLoopGroup;
    }

    /** For the log line of each role. */
    public static String describe() {
        return EPOLL ? "epoll" : "NIO (" + Epoll.unavailabilityCause() + ")";
    }
}
