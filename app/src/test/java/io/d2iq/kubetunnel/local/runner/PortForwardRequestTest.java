package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the runner's kubelet endpoint refuses before any upgrade, and what it lets through to the relay. */
class PortForwardRequestTest {

    private static final InetSocketAddress POD_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
    private static final NodePods ONE_POD = new NodePods() {
        @Override
        public Optional<InetSocketAddress> port(String namespace, String pod, int port) {
            return "ns".equals(namespace) && "web".equals(pod) && port == 8080
                    ? Optional.of(POD_PORT)
                    : Optional.empty();
        }

        @Override
        public Optional<LaunchPlan> container(String namespace, String pod, String container) {
            return Optional.empty();
        }
    };

    private static FullHttpRequest request(String uri, boolean webSocket) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        if (webSocket) {
            request.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        }
        return request;
    }

    private static FullHttpResponse refusal(String uri, boolean webSocket) {
        EmbeddedChannel channel = new EmbeddedChannel(new PortForwardRequest(ONE_POD));
        channel.writeInbound(request(uri, webSocket));
        assertThat((Object) channel.readInbound())
                .as("nothing passed on to the upgrade")
                .isNull();
        FullHttpResponse response = channel.readOutbound();
        assertThat(channel.isOpen()).as("closed after the refusal").isFalse();
        return response;
    }

    private static String body(FullHttpResponse response) {
        try {
            return response.content().toString(StandardCharsets.UTF_8);
        } finally {
            response.release();
        }
    }

    @Test
    void aRequestForARunningPodsDeclaredPortGoesOnWithItsAddress() {
        EmbeddedChannel channel = new EmbeddedChannel(new PortForwardRequest(ONE_POD));

        channel.writeInbound(request("/portForward/ns/web/0f6c?port=8080", true));

        FullHttpRequest passed = channel.readInbound();
        assertThat(passed.uri()).isEqualTo("/portForward/ns/web/0f6c?port=8080");
        passed.release();
        assertThat(channel.attr(PortForwardRequest.TARGET).get())
                .isEqualTo(new PortForwardRequest.Target("ns/web", 8080, POD_PORT));
        assertThat((Object) channel.readOutbound()).isNull();
    }

    @Test
    void otherPathsUnknownPodsAndUndeclaredPortsAre404() {
        FullHttpResponse otherPath = refusal("/exec/ns/web?command=sh", true);
        assertThat(otherPath.status().code()).isEqualTo(404);
        assertThat(body(otherPath)).contains("not found: /exec/ns/web");

        FullHttpResponse unknownPod = refusal("/portForward/ns/other?port=8080", true);
        assertThat(unknownPod.status().code()).isEqualTo(404);
        assertThat(body(unknownPod)).contains("pod ns/other does not run on this node with port 8080");

        FullHttpResponse undeclaredPort = refusal("/portForward/ns/web?port=8081", true);
        assertThat(undeclaredPort.status().code()).isEqualTo(404);
        assertThat(body(undeclaredPort)).contains("with port 8081");
    }

    @Test
    void spdySeveralPortsAndPortsThatAreNotNumbersFrom1To65535Are400() {
        FullHttpResponse spdy = refusal("/portForward/ns/web?port=8080", false);
        assertThat(spdy.status().code()).isEqualTo(400);
        assertThat(body(spdy)).contains("WebSocket (v4.channel.k8s.io) only, not SPDY");

        for (String ports : new String[] {"port=8080&port=9090", "ports=8080,9090", ""}) {
            FullHttpResponse several = refusal("/portForward/ns/web?" + ports, true);
            assertThat(several.status().code()).as(ports).isEqualTo(400);
            assertThat(body(several)).contains("exactly one port is served per request");
        }
        for (String port : new String[] {"x", "0", "65536", "-1"}) {
            FullHttpResponse invalid = refusal("/portForward/ns/web?port=" + port, true);
            assertThat(invalid.status().code()).as(port).isEqualTo(400);
            assertThat(body(invalid)).contains("invalid port " + port);
        }
    }
}
