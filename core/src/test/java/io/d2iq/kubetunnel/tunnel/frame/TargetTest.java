package io.d2iq.kubetunnel.tunnel.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetTest {

    @Test
    void namesIpv4AndBracketedIpv6RoundTrip() {
        assertThat(Target.parse("Kubernetes.Default.svc:443")).isEqualTo(new Target("kubernetes.default.svc", 443));
        assertThat(Target.parse("10.96.0.1:443").toString()).isEqualTo("10.96.0.1:443");
        assertThat(Target.parse("[fd00::1]:6443").host()).isEqualTo("fd00::1");
        assertThat(new Target("fd00::1", 6443).toString()).isEqualTo("[fd00::1]:6443");
    }

    @Test
    void badTargetsSayWhatIsWrong() {
        assertThatThrownBy(() -> Target.parse("host")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> Target.parse("host:")).hasMessageContaining("not host:port");
        assertThatThrownBy(() -> Target.parse("host:http")).hasMessageContaining("no numeric port");
        assertThatThrownBy(() -> Target.parse("host:0")).hasMessageContaining("1..65535");
        assertThatThrownBy(() -> Target.parse("fd00::1:443")).hasMessageContaining("bracketed");
        assertThatThrownBy(() -> Target.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
