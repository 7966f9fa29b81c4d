package io.d2iq.kubetunnel.local.runner;

import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the kubelet API that the runner's Node serves: {@code pods/portforward} over WebSocket
 * ({@code v4.channel.k8s.io}, the protocol fabric8's client speaks and kube-apiserver passes through to the kubelet
 * unchanged), so the laptop {@code kubeconfig} role and any client of the API's port-forward reach a Pod's port as on a
 * real node; and {@code pods/exec} over SPDY/3.1 ({@link ExecRequest}), what kube-apiserver speaks to a kubelet for
 * either of kubectl's protocols (it translates kubectl's WebSocket to SPDY), without a terminal. HTTPS on a loopback
 * port with a certificate from the runner's CA; kube-apiserver does not verify a kubelet's certificate unless given
 * {@code --kubelet-certificate-authority}, and it presents no client certificate here, so like kwok's this endpoint
 * authenticates nobody: it is bound to 127.0.0.1 and is for local clusters only. Not served: port-forward over SPDY,
 * exec with a terminal, attach, logs (docs/local-runner.md).
 */
final class KubeletServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletServer.class);
    /** The only subprotocol served: binary frames whose first byte is the channel (data 0, error 1). */
    static final String PORT_FORWARD_PROTOCOL = "v4.channel.k8s.io";

    private static final int MAX_REQUEST_BYTES = 16 * 1024;
    private static final int MAX_FRAME_BYTES = 1024 * 1024;

    private final LoopbackServer server;

    private KubeletServer(LoopbackServer server) {
        this.server = server;
    }

    /** Binds 127.0.0.1 on a free port and serves port-forwards and execs for the Pods {@code pods} knows. */
    static KubeletServer start(CertificateAuthority ca, NodePods pods) {
        SslContext tls = ca.issueLocalhost().serverContext();
        WebSocketServerProtocolConfig webSocket = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(PortForwardRequest.PATH)
                .checkStartsWith(true)
                .subprotocols(PORT_FORWARD_PROTOCOL)
                .maxFramePayloadLength(MAX_FRAME_BYTES)
                .build();
        LoopbackServer server = LoopbackServer.bind("local-kubelet", new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel channel) {
                channel.pipeline()
                        .addLast(
                                tls.newHandler(channel.alloc()),
                                new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new ExecRequest(pods),
                                new PortForwardRequest(pods),
                                new WebSocketServerProtocolHandler(webSocket),
                                new PortForwardRelay());
            }
        });
        LOG.info("kubelet API (port-forward, exec) listening on https://127.0.0.1:{}", server.port());
        return new KubeletServer(server);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
