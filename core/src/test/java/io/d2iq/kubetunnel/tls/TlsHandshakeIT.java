package io.d2iq.kubetunnel.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real TLS over 127.0.0.1: a Netty server with an issued certificate, clients trusting (or not) the CA. */
class TlsHandshakeIT {

    private final CertificateAuthority ca = CertificateAuthority.generate("kubetunnel-test-ca");
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private Channel server;
    private int port;

    @BeforeEach
    void startEchoServer() throws InterruptedException {
        var serverContext = ca.issueLocalhost().serverContext();
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(serverContext.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ctx.writeAndFlush(msg);
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .sync()
                .channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    @AfterEach
    void stop() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void jdkClientTrustingTheCaVerifiesTheIpAndExchangesBytes() throws Exception {
        try (SSLSocket socket =
                (SSLSocket) ca.jdkClientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);

            socket.getOutputStream().write("ping".getBytes(US_ASCII));
            socket.getOutputStream().flush();

            assertThat(new String(socket.getInputStream().readNBytes(4), US_ASCII))
                    .isEqualTo("ping");
        }
    }

    @Test
    void nettyClientTrustingTheCaCompletesTheHandshake() throws Exception {
        SslHandler[] handler = new SslHandler[1];
        Channel client = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        handler[0] = ca.clientContext().newHandler(ch.alloc(), "localhost", port);
                        ch.pipeline().addLast(handler[0]);
                    }
                })
                .connect("127.0.0.1", port)
                .sync()
                .channel();
        try {
            assertThat(handler[0].handshakeFuture().await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(handler[0].handshakeFuture().isSuccess()).isTrue();
        } finally {
            client.close().sync();
        }
    }

    @Test
    void clientTrustingAnotherCaRefusesTheServer() throws Exception {
        CertificateAuthority other = CertificateAuthority.generate("someone-else");
        try (SSLSocket socket =
                (SSLSocket) other.jdkClientContext().getSocketFactory().createSocket("127.0.0.1", port)) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
    }
}
