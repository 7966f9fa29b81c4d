package io.d2iq.kubetunnel.nettyhttp;

import io.netty.channel.Channel;
import java.util.function.Consumer;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

/** Camel's HTTP server pipeline (its handlers are named "ssl", "decoder", "aggregator" …), then the role's extension. */
final class ExtendedHttpServerInitializerFactory extends HttpServerInitializerFactory {

    private final Consumer<Channel> extension;

    ExtendedHttpServerInitializerFactory(NettyHttpConsumer consumer, Consumer<Channel> extension) {
        super(consumer);
        this.extension = extension;
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        extension.accept(ch);
    }
}
