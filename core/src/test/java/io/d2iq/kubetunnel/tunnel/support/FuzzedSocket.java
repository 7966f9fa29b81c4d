package io.d2iq.kubetunnel.tunnel.support;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.Random;

/**
 * A stream's local socket (proxy client or dialed target) in a fuzz: like a real socket with AUTO_READ off,
 * it delivers bytes only after the stream asked it to read; it can also end its input, close or fail.
 */
public final class FuzzedSocket {

    private final EmbeddedChannel channel;
    private final FuzzedTunnel tunnel;
    private boolean readRequested;

    public FuzzedSocket(FuzzedTunnel tunnel) {
        this.tunnel = tunnel;
        channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void read(ChannelHandlerContext ctx) {
                readRequested = true;
            }
        });
        channel.config().setAutoRead(false);
        readRequested = false;
    }

    public Channel channel() {
        return channel;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /** One random thing a socket does: send bytes (if asked to read), end its input, close, or fail. */
    public void act(Random random) {
        if (!channel.isOpen()) {
            return;
        }
        int action = random.nextInt(20);
        if (action < 14) {
            deliver(random);
        } else if (action < 17) {
            channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        } else if (action < 19) {
            channel.close();
        } else {
            channel.pipeline().fireExceptionCaught(new IOException("fuzzed socket failure"));
        }
        settle();
    }

    private void deliver(Random random) {
        if (!readRequested) {
            return;
        }
        readRequested = false;
        channel.writeInbound(tunnel.buffer(random, random.nextInt(10) == 0 ? 96 * 1024 : 2048));
    }

    /** Runs what the socket's loop has queued and drops what the stream wrote to it. */
    public void settle() {
        channel.runPendingTasks();
        Object written;
        while ((written = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(written);
        }
        tunnel.drain();
    }

    /** Releases anything left in the socket. */
    public void finish() {
        settle();
        channel.finishAndReleaseAll();
    }

    /** The next buffer the stream wrote to this socket since it last settled, or null; the caller releases it. */
    public ByteBuf readWritten() {
        return channel.readOutbound();
    }
}
