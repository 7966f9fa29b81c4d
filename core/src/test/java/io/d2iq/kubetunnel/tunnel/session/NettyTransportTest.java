package io.d2iq.kubetunnel.tunnel.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class NettyTransportTest {

    @Test
    void epollIsUsedOnLinuxX8664WhereTheNativesAreBundled() {
        assumeTrue(System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64"));
        assertThat(NettyTransport.EPOLL).as(NettyTransport.describe()).isTrue();
        assertThat(NettyTransport.describe()).isEqualTo("epoll");
    }

    @Test
    void onlyLoopsOfTheChosenTransportTakeItsChannels() {
        EventLoopGroup own = NettyTransport.newGroup(1);
        EventLoopGroup other = NettyTransport.EPOLL ? new NioEventLoopGroup(1) : null;
        try {
            assertThat(NettyTransport.runs(own.next())).isTrue();
            assertThat(own).isInstanceOf(NettyTransport.EPOLL ? EpollEventLoopGroup.class : NioEventLoopGroup.class);
            if (other != null) {
                assertThat(NettyTransport.runs(other.next())).isFalse();
            }
        } finally {
            own.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            if (other != null) {
                other.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
        }
    }
}
