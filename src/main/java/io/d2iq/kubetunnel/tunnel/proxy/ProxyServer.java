package io.d2iq.kubetunnel.tunnel.proxy;

import io.d2iq.kubetunnel.tunnel.protocol.NettyTransport;
import io.d2iq.kubetunnel.tunnel.protocol.ProtocolConstants;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy port: SOCKS5 and HTTP CONNECT on one port; every accepted connection becomes a tunnel stream. */
public final class ProxyServer implements AutoCloseable {

    /** A client must finish its SOCKS5 or CONNECT request this soon after connecting. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    static final String HANDSHAKE_TIMEOUT_HANDLER = "handshake-timeout";

    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final StreamOpener opener;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private final ChannelGroup clients = new DefaultChannelGroup("proxy-clients", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    public ProxyServer(StreamOpener opener) {
        this.opener = opener;
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
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(512, 16 * 1024, ProtocolConstants.LOCAL_READ_SIZE))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        clients.add(ch);
                        ch.pipeline().addLast(HANDSHAKE_TIMEOUT_HANDLER, new ReadTimeoutHandler(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast("proxy-detector", new ProxyProtocolDetector(opener));
                    }
                })
                .bind(bind, port).sync().channel();
        InetSocketAddress address = (InetSocketAddress) serverChannel.localAddress();
        LOG.info("proxy port (SOCKS5 and HTTP CONNECT) listening on {} ({} sockets)", address, NettyTransport.describe());
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
