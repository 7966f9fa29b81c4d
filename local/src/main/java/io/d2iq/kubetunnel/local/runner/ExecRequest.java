package io.d2iq.kubetunnel.local.runner;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kubelet {@code /exec/{namespace}/{pod}[/{uid}]/{container}?command=…&input=1&output=1&error=1} request, checked
 * as the kubelet does before it upgrades (a container of a Pod running here: else 404; no command, no stream, a
 * terminal, no SPDY/3.1 or no {@code v4.channel.k8s.io}: 400), then upgraded to SPDY/3.1: the connection's HTTP
 * handlers give way to Netty's SPDY frame codec and an {@link ExecSession}. Requests for other paths go on.
 */
final class ExecRequest extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final String PATH = "/exec/";
    static final String SPDY = "SPDY/3.1";
    /** The only remote-command protocol served: its error stream carries a JSON Status with the exit code. */
    static final String PROTOCOL = "v4.channel.k8s.io";

    static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";

    private static final Logger LOG = LoggerFactory.getLogger(ExecRequest.class);

    private final NodePods pods;

    ExecRequest(NodePods pods) {
        super(false);
        this.pods = pods;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        if (!uri.path().startsWith(PATH)) {
            ctx.fireChannelRead(request);
            return;
        }
        String[] path = uri.path().split("/");
        if (path.length < 5 || path.length > 6) {
            refuse(ctx, request, HttpResponseStatus.NOT_FOUND, "not found: " + uri.path());
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, SPDY, true)) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "this node serves exec over " + SPDY + " only");
            return;
        }
        if (!request.headers().getAll(PROTOCOL_HEADER).stream()
                .flatMap(value -> List.of(value.split(",")).stream())
                .anyMatch(value -> PROTOCOL.equals(value.trim()))) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.BAD_REQUEST,
                    "unable to negotiate a protocol: this node serves " + PROTOCOL + " only, asked for "
                            + request.headers().getAll(PROTOCOL_HEADER));
            return;
        }
        Map<String, List<String>> query = uri.parameters();
        List<String> command = query.getOrDefault("command", List.of());
        if (command.isEmpty()) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "no command given");
            return;
        }
        if (flag(query, "tty")) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.BAD_REQUEST,
                    "exec with a terminal (tty) is not served by this node: its processes run without a pseudo-terminal");
            return;
        }
        ExecSession.Streams streams =
                new ExecSession.Streams(flag(query, "input"), flag(query, "output"), flag(query, "error"));
        if (!streams.stdin() && !streams.stdout() && !streams.stderr()) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.BAD_REQUEST,
                    "you must specify at least 1 of stdin, stdout, stderr");
            return;
        }
        String namespace = path[2];
        String pod = path[3];
        String container = path[path.length - 1];
        Optional<LaunchPlan> plan = pods.container(namespace, pod, container);
        if (plan.isEmpty()) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.NOT_FOUND,
                    "pod " + namespace + "/" + pod + " does not run container " + container + " on this node");
            return;
        }
        request.release();
        LOG.info("exec in {}/{} container {}: {} argument(s)", namespace, pod, container, command.size());
        upgrade(ctx, new ExecSession(namespace + "/" + pod, plan.get(), command, streams));
    }

    /** Answers 101 and swaps every handler after TLS for the SPDY frame codec and the session. */
    private static void upgrade(ChannelHandlerContext ctx, ExecSession session) {
        DefaultFullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        response.headers()
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE)
                .set(HttpHeaderNames.UPGRADE, SPDY)
                .set(PROTOCOL_HEADER, PROTOCOL);
        // encoded by the HTTP codec now, on this thread; the client sends no frame before it has read the 101
        ctx.writeAndFlush(response);
        ChannelPipeline pipeline = ctx.pipeline();
        List<ChannelHandler> http = pipeline.toMap().values().stream()
                .filter(handler -> !(handler instanceof SslHandler))
                .toList();
        pipeline.addLast(new SpdyFrameCodec(SpdyVersion.SPDY_3_1), session);
        http.forEach(pipeline::remove);
    }

    private static boolean flag(Map<String, List<String>> query, String name) {
        return "1".equals(query.getOrDefault(name, List.of("")).get(0));
    }

    private static void refuse(
            ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String reason) {
        KubeletRefusal.refuse(ctx, request, "exec", status, reason);
    }
}
