package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the runner's kubelet endpoint refuses of an exec before the SPDY upgrade, and the upgrade itself. */
class ExecRequestTest {

    private static final LaunchPlan WEB =
            new LaunchPlan("ns/Pod/web", List.of(), Map.of(), Path.of("/tmp"), Path.of("/tmp/log"), null, "/");
    private static final NodePods ONE_CONTAINER = new NodePods() {
        @Override
        public Optional<InetSocketAddress> port(String namespace, String pod, int port) {
            return Optional.empty();
        }

        @Override
        public Optional<LaunchPlan> container(String namespace, String pod, String container) {
            return "ns".equals(namespace) && "web".equals(pod) && "main".equals(container)
                    ? Optional.of(WEB)
                    : Optional.empty();
        }
    };

    private static final String OK = "/exec/ns/web/main?command=sh&command=-c&command=true&input=1&output=1&error=1";

    private static FullHttpRequest request(String uri, String upgrade, String protocols) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri);
        if (upgrade != null) {
            request.headers().set(HttpHeaderNames.UPGRADE, upgrade);
        }
        if (protocols != null) {
            request.headers().add(ExecRequest.PROTOCOL_HEADER, List.of(protocols.split(" ")));
        }
        return request;
    }

    private static String refused(FullHttpRequest request, int status) {
        EmbeddedChannel channel = new EmbeddedChannel(new ExecRequest(ONE_CONTAINER));
        channel.writeInbound(request);
        assertThat((Object) channel.readInbound()).isNull();
        FullHttpResponse response = channel.readOutbound();
        assertThat(channel.isOpen()).as("closed after the refusal").isFalse();
        try {
            assertThat(response.status().code()).isEqualTo(status);
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void unknownPodsAndContainersAre404AndOtherPathsGoOn() {
        String v4 = "v5.channel.k8s.io v4.channel.k8s.io";
        assertThat(refused(request("/exec/ns/other/main?command=sh&output=1", "SPDY/3.1", v4), 404))
                .contains("pod ns/other does not run container main on this node");
        assertThat(refused(request("/exec/ns/web/0f6c/sidecar?command=sh&output=1", "SPDY/3.1", v4), 404))
                .contains("does not run container sidecar");
        assertThat(refused(request("/exec/ns/web?command=sh&output=1", "SPDY/3.1", v4), 404))
                .contains("not found: /exec/ns/web");

        EmbeddedChannel channel = new EmbeddedChannel(new ExecRequest(ONE_CONTAINER));
        channel.writeInbound(request("/portForward/ns/web?port=80", "websocket", null));
        FullHttpRequest passed = channel.readInbound();
        assertThat(passed.uri()).isEqualTo("/portForward/ns/web?port=80");
        passed.release();
    }

    @Test
    void aTerminalNoStreamNoCommandWebSocketAndOnlyOlderProtocolsAre400() {
        String v4 = "v4.channel.k8s.io";
        assertThat(refused(request(OK + "&tty=1", "SPDY/3.1", v4), 400)).contains("tty");
        assertThat(refused(request("/exec/ns/web/main?command=sh", "SPDY/3.1", v4), 400))
                .contains("at least 1 of stdin, stdout, stderr");
        assertThat(refused(request("/exec/ns/web/main?output=1", "SPDY/3.1", v4), 400))
                .contains("no command");
        assertThat(refused(request(OK, "websocket", v4), 400)).contains("over SPDY/3.1 only");
        assertThat(refused(request(OK, "SPDY/3.1", "v3.channel.k8s.io v2.channel.k8s.io"), 400))
                .contains("serves v4.channel.k8s.io only");
    }

    @Test
    void aValidRequestIsAnswered101AndTheConnectionThenSpeaksSpdy() {
        EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new ExecRequest(ONE_CONTAINER));

        channel.writeInbound(request(OK, "SPDY/3.1", "v5.channel.k8s.io v4.channel.k8s.io"));

        ByteBuf response = channel.readOutbound();
        String head = response.toString(StandardCharsets.US_ASCII);
        response.release();
        assertThat(head)
                .startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .containsIgnoringCase("upgrade: SPDY/3.1\r\n")
                .containsIgnoringCase("connection: upgrade\r\n")
                .containsIgnoringCase("x-stream-protocol-version: v4.channel.k8s.io\r\n");
        assertThat(channel.pipeline().get(HttpServerCodec.class)).isNull();
        assertThat(channel.pipeline().get(ExecRequest.class)).isNull();
        assertThat(channel.pipeline().get(SpdyFrameCodec.class)).isNotNull();
        assertThat(channel.pipeline().get(ExecSession.class)).isNotNull();
        channel.finishAndReleaseAll();
    }
}
