package io.d2iq.kubetunnel.local.runner;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks a kubelet {@code /portForward/{namespace}/{pod}[/{uid}]?port=N} request before the WebSocket upgrade, as
 * the kubelet does: one port of a Pod running here, else a 4xx with a one-line reason. The Pod's address goes on the
 * channel ({@link #TARGET}) for {@link PortForwardRelay}.
 */
final class PortForwardRequest extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** The kubelet's path; Netty's WebSocket handler matches it as a prefix only up to a '/' or '?'. */
    static final String PATH = "/portForward";

    static final AttributeKey<Target> TARGET = AttributeKey.valueOf("kubetunnel.portForwardTarget");

    /** The Pod port a connection forwards to. */
    record Target(String pod, int port, InetSocketAddress address) {}

    private final NodePods pods;

    PortForwardRequest(NodePods pods) {
        super(false);
        this.pods = pods;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String[] path = uri.path().split("/");
        if (!uri.path().startsWith(PATH + "/") || path.length < 4 || path.length > 5) {
            refuse(ctx, request, HttpResponseStatus.NOT_FOUND, "not found: " + uri.path());
            return;
        }
        if (!request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.BAD_REQUEST,
                    "this node serves port-forward over WebSocket (" + KubeletServer.PORT_FORWARD_PROTOCOL
                            + ") only, not SPDY");
            return;
        }
        List<String> ports = new ArrayList<>();
        // kube-apiserver passes pods/portforward's "ports" on to the kubelet as "port" (one per port)
        for (String name : List.of("port", "ports")) {
            uri.parameters().getOrDefault(name, List.of()).forEach(value -> ports.addAll(List.of(value.split(","))));
        }
        if (ports.size() != 1) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.BAD_REQUEST,
                    "exactly one port is served per request, got " + ports);
            return;
        }
        int port;
        try {
            port = Integer.parseInt(ports.get(0).trim());
        } catch (NumberFormatException e) {
            port = 0;
        }
        if (port < 1 || port > 65535) {
            refuse(ctx, request, HttpResponseStatus.BAD_REQUEST, "invalid port " + ports.get(0));
            return;
        }
        String namespace = path[2];
        String pod = path[3];
        Optional<InetSocketAddress> address = pods.port(namespace, pod, port);
        if (address.isEmpty()) {
            refuse(
                    ctx,
                    request,
                    HttpResponseStatus.NOT_FOUND,
                    "pod " + namespace + "/" + pod + " does not run on this node with port " + port);
            return;
        }
        ctx.channel().attr(TARGET).set(new Target(namespace + "/" + pod, port, address.get()));
        ctx.fireChannelRead(request);
    }

    private static void refuse(
            ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status, String reason) {
        KubeletRefusal.refuse(ctx, request, "port-forward", status, reason);
    }
}
