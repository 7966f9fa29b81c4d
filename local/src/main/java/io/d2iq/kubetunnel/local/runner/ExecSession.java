package io.d2iq.kubetunnel.local.runner;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgraded exec, over SPDY/3.1 with the {@code v4.channel.k8s.io} streams, as the kubelet serves it: the client
 * opens one SPDY stream per {@code streamtype} header ({@code error}, and {@code stdin}, {@code stdout},
 * {@code stderr} as the request asked); each is answered with a SYN_REPLY at once (the client waits for it), and once
 * all have come the command runs ({@link ExecProcess}). Stdin's data goes to the process, its FIN closes the process's
 * stdin; stdout and stderr come back as data frames, each ended with a FIN; then the exit is written on the error
 * stream as a JSON Status ({@link ExecStatus}) and every stream is ended. The client closes the connection; a client
 * gone kills the process. PINGs are answered. No SPDY flow control: the client (spdystream) keeps no windows and sends
 * no WINDOW_UPDATE, so back-pressure is TCP's, as in {@link ExecProcess}.
 */
final class ExecSession extends ChannelInboundHandlerAdapter {

    /** Which of the process's streams the client asked for ({@code input}, {@code output}, {@code error}). */
    record Streams(boolean stdin, boolean stdout, boolean stderr) {

        Set<String> types() {
            Set<String> types = new HashSet<>(Set.of(ERROR));
            if (stdin) {
                types.add(STDIN);
            }
            if (stdout) {
                types.add(STDOUT);
            }
            if (stderr) {
                types.add(STDERR);
            }
            return types;
        }
    }

    static final String STREAM_TYPE = "streamtype";
    static final String ERROR = "error";
    static final String STDIN = "stdin";
    static final String STDOUT = "stdout";
    static final String STDERR = "stderr";

    /** As the kubelet's {@code streamCreationTimeout} default. */
    private static final Duration STREAM_CREATION_TIMEOUT = Duration.ofSeconds(30);
    /** After the exit is reported the client closes; this closes a connection whose client did not. */
    private static final Duration CLOSE_AFTER_EXIT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);

    private final String pod;
    private final LaunchPlan plan;
    private final List<String> command;
    private final Streams streams;
    private final Set<String> awaited;
    private final Map<String, Integer> streamIds = new HashMap<>();
    private ScheduledFuture<?> creationTimeout;
    private ExecProcess process;
    /** Stdin's FIN (or reset) came before the process started. */
    private boolean stdinEndedEarly;

    ExecSession(String pod, LaunchPlan plan, List<String> command, Streams streams) {
        this.pod = pod;
        this.plan = plan;
        this.command = List.copyOf(command);
        this.streams = streams;
        this.awaited = streams.types();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        creationTimeout = ctx.executor()
                .schedule(
                        () -> {
                            LOG.info("exec in {}: the client did not open the streams {} in time", pod, awaited);
                            ctx.close();
                        },
                        STREAM_CREATION_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof SpdySynStreamFrame syn) {
                opened(ctx, syn);
            } else if (msg instanceof SpdyDataFrame data) {
                if (isStdin(data.streamId())) {
                    stdin(data.content().retain(), data.isLast());
                }
            } else if (msg instanceof SpdyRstStreamFrame reset) {
                if (isStdin(reset.streamId())) {
                    stdin(Unpooled.EMPTY_BUFFER, true);
                }
            } else if (msg instanceof SpdyPingFrame ping) {
                ctx.writeAndFlush(ReferenceCountUtil.retain(ping));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void opened(ChannelHandlerContext ctx, SpdySynStreamFrame syn) {
        String type = syn.headers().getAsString(STREAM_TYPE);
        SpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
        // an empty header block is not a valid compressed one to spdystream: echo the stream's type
        reply.headers().set(STREAM_TYPE, type == null ? "" : type);
        ctx.writeAndFlush(reply);
        if (type == null || !awaited.contains(type) || streamIds.containsKey(type)) {
            LOG.info("exec in {}: ignoring an unexpected stream of type {}", pod, type);
            return;
        }
        streamIds.put(type, syn.streamId());
        if (STDIN.equals(type) && syn.isLast()) {
            stdinEndedEarly = true;
        }
        if (streamIds.keySet().equals(awaited) && process == null) {
            creationTimeout.cancel(false);
            start(ctx.channel());
        }
    }

    private void start(Channel channel) {
        process = ExecProcess.start(
                pod,
                plan,
                command,
                channel,
                streamIds.get(STDOUT),
                streamIds.get(STDERR),
                streams.stdin(),
                status -> channel.eventLoop().execute(() -> exited(channel, status)));
        if (stdinEndedEarly) {
            process.stdin(Unpooled.EMPTY_BUFFER, true);
        }
    }

    private boolean isStdin(int streamId) {
        Integer stdin = streamIds.get(STDIN);
        return stdin != null && stdin == streamId;
    }

    private void stdin(ByteBuf data, boolean last) {
        if (process == null) {
            data.release();
            stdinEndedEarly |= last;
            return;
        }
        process.stdin(data, last);
    }

    /** The process ended and its output was sent: the status on the error stream, then every stream ended. */
    private void exited(Channel channel, String status) {
        for (String type : List.of(STDOUT, STDERR, STDIN)) {
            Integer id = streamIds.get(type);
            if (id != null) {
                channel.write(new DefaultSpdyDataFrame(id).setLast(true));
            }
        }
        channel.writeAndFlush(
                new DefaultSpdyDataFrame(streamIds.get(ERROR), Unpooled.copiedBuffer(status, StandardCharsets.UTF_8))
                        .setLast(true));
        channel.eventLoop().schedule(() -> channel.close(), CLOSE_AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The client drained: the output pumps, waiting for it, may write again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (process != null) {
            process.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (creationTimeout != null) {
            creationTimeout.cancel(false);
        }
        if (process != null) {
            process.clientGone();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.info("exec in {}: connection failed: {}", pod, cause.toString());
        ctx.close();
    }
}
