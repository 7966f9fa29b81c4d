package io.d2iq.kubetunnel.guard;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the connections of one port that carry this handler, per key (one key for all, or the client's
 * address), and closes a new connection at once when its key is at the limit. A connection counts from
 * accept until it closes or the handler is removed from its pipeline (for example once it has authenticated).
 * One instance per port, shared by its connections.
 */
@Sharable
public final class ConnectionLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
    /** At most one log line per port this often, so a flood of connections is no flood of log lines. */
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final AttributeKey<Object> countedKey =
            AttributeKey.newInstance("connection-limit-" + System.identityHashCode(this));
    private final Map<Object, Integer> counts = new ConcurrentHashMap<>();
    private final int max;
    private final String what;
    private final Function<ChannelHandlerContext, Object> key;
    private final AtomicInteger refusedSinceLog = new AtomicInteger();
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());

    private ConnectionLimit(int max, String what, Function<ChannelHandlerContext, Object> key) {
        this.max = max;
        this.what = what;
        this.key = key;
    }

    /** At most {@code max} connections in all; {@code what} names them in the log. */
    public static ConnectionLimit total(int max, String what) {
        Object all = new Object();
        return new ConnectionLimit(max, what, ctx -> all);
    }

    /** At most {@code max} connections from each client IP address. */
    public static ConnectionLimit perClientAddress(int max, String what) {
        return new ConnectionLimit(
                max,
                what,
                ctx -> ctx.channel().remoteAddress() instanceof InetSocketAddress address
                        ? address.getAddress()
                        : ctx.channel().remoteAddress());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Object client = key.apply(ctx);
        boolean[] admitted = {false};
        counts.compute(client, (k, count) -> {
            int current = count == null ? 0 : count;
            admitted[0] = current < max;
            return admitted[0] ? current + 1 : count;
        });
        if (!admitted[0]) {
            logRefusal(ctx);
            ctx.close();
            return;
        }
        ctx.channel().attr(countedKey).set(client);
        ctx.fireChannelActive();
    }

    private void logRefusal(ChannelHandlerContext ctx) {
        int refused = refusedSinceLog.incrementAndGet();
        long next = nextLogNanos.get();
        if (System.nanoTime() - next >= 0 && nextLogNanos.compareAndSet(next, System.nanoTime() + LOG_INTERVAL_NANOS)) {
            refusedSinceLog.addAndGet(-refused);
            LOG.warn(
                    "refused {} connection(s), the last from {}: {} {} already open",
                    refused,
                    ctx.channel().remoteAddress(),
                    max,
                    what);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        Object client = ctx.channel().attr(countedKey).getAndSet(null);
        if (client != null) {
            counts.computeIfPresent(client, (k, count) -> count > 1 ? count - 1 : null);
        }
    }
}
