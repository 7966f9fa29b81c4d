package io.d2iq.kubetunnel.tunnel.proxy;

import io.d2iq.kubetunnel.guard.ConnectionLimit;
import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.guard.HandshakeDeadline;
import io.d2iq.kubetunnel.tunnel.frame.ProtocolConstants;
import io.d2iq.kubetunnel.tunnel.session.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy port: SOCKS5 and HTTP CONNECT on one port; every accepted connection becomes a tunnel stream.
 * A client must have sent its request by the handshake deadline, and one client address holds at most
 * {@link ConnectionLimits#maxStreamsPerClientAddress()} connections.
 */
public final class ProxyServer implements AutoCloseable {

    /** The handler that closes a client whose SOCKS5 or CONNECT request is not complete by the deadline. */
    static final String HANDSHAKE_DEADLINE_HANDLER = "handshake-deadline";

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final StreamOpener opener;
    private final ConnectionLimits limits;
    private final ConnectionLimit streamsPerClient;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private final ChannelGroup clients = new DefaultChannelGroup("proxy-clients", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    public ProxyServer(StreamOpener opener, ConnectionLimits limits) {
        this.opener = opener;
        this.limits = limits;
        this.streamsPerClient = ConnectionLimit.perClientAddress(
                limits.maxStreamsPerClientAddress(), "proxy connections from that address");
    }

    /** Binds {@code bind:port} (port 0 picks a free one) and returns the bound address. */
    public InetSocketAddress start(String bind, int port) throws InterruptedException {
        bossGroup = NettyTransport.newGroup(1);
        workerGroup = new SessionAffineEventLoopGroup(opener::preferredLoop, NettyTransport.newGroup(0));
        serverChannel = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NettyTransport.serverSocketChannel())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(
                        ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(512, 16 * 1024, ProtocolConstants.LOCAL_READ_SIZE))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        ch.pipeline().addLast("streams-per-client", streamsPerClient);
                        ch.pipeline()
                                .addLast(HANDSHAKE_DEADLINE_HANDLER, new HandshakeDeadline(limits.handshakeDeadline()));
                        ch.pipeline().addLast("proxy-detector", new ProxyProtocolDetector(opener));
                    }
                })
                .bind(bind, port)
                .sync()
                .channel();
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        LOG.info(
                "proxy port (SOCKS5 and HTTP CONNECT) listening on {} ({} sockets)",
                address,
                NettyTransport.describe());
        return address;
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        // clients may live on the session's loop, which this server does not own
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (bossGroup != null) {
            bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
