package io.d2iq.kubetunnel.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.d2iq.kubetunnel.tunnel.frame.DialFailure;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentPolicyTest {

    @Test
    void theDefaultAllowListIsTheInClusterApiServerOnly() {
        AllowList allow = AllowList.inClusterApiServer(
                Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443"));
        assertThat(allow.refusal("10.96.0.1:443")).isNull();
        assertThat(allow.refusal("10.96.0.1:80"))
                .contains("not on the agent's allow-list")
                .contains("10.96.0.1:443");
        assertThat(allow.refusal("kubernetes.default.svc:443")).isNotNull();
    }

    @Test
    void outsideAClusterTheDefaultAllowListRefusesEverything() {
        AllowList allow = AllowList.inClusterApiServer(Map.of());
        assertThat(allow.isEmpty()).isTrue();
        assertThat(allow.refusal("127.0.0.1:6443")).isNotNull();
    }

    @Test
    void explicitEntriesMatchCaseInsensitivelyAndBracketIpv6() {
        AllowList allow = AllowList.parse(List.of("API.example.com:6443,[::1]:443", "127.0.0.1:8080"));
        assertThat(allow.refusal("api.example.com:6443")).isNull();
        assertThat(allow.refusal("[::1]:443")).isNull();
        assertThat(allow.refusal("127.0.0.1:8080")).isNull();
        assertThat(allow.refusal("not a target")).startsWith("invalid target");
        assertThatThrownBy(() -> AllowList.parse(List.of("::1:443"))).hasMessageContaining("bracketed");
        assertThatThrownBy(() -> AllowList.parse(List.of("host:99999"))).hasMessageContaining("1..65535");
    }

    @Test
    void dialErrorsMapToTheirSocksReasons() {
        assertThat(TargetDialer.classify(new UnknownHostException("nope"))).isEqualTo(DialFailure.HOST_UNREACHABLE);
        assertThat(TargetDialer.classify(new ConnectException("Connection refused: /127.0.0.1:1")))
                .isEqualTo(DialFailure.CONNECTION_REFUSED);
        assertThat(TargetDialer.classify(new io.netty.channel.ConnectTimeoutException("connection timed out")))
                .isEqualTo(DialFailure.TIMED_OUT);
        assertThat(TargetDialer.classify(new java.net.SocketException("Network is unreachable")))
                .isEqualTo(DialFailure.NETWORK_UNREACHABLE);
        assertThat(TargetDialer.classify(new IllegalStateException("x"))).isEqualTo(DialFailure.GENERAL);
    }
}
