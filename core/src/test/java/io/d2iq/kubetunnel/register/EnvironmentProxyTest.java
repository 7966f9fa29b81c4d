package io.d2iq.kubetunnel.register;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentProxyTest {

    private static final URI WEBHOOK = URI.create("https://kubetunnel.example.com/fleet/east/kubeconfig");

    @Test
    void noProxyVariablesMeanDirect() {
        assertThat(EnvironmentProxy.from(Map.of()).select(WEBHOOK)).containsExactly(Proxy.NO_PROXY);
    }

    @Test
    void httpsTargetsUseHttpsProxyAndHttpTargetsUseHttpProxy() {
        EnvironmentProxy proxy = EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://secure:3128", "http_proxy", "plain:8080"));

        assertThat(address(proxy, WEBHOOK)).isEqualTo("secure:3128");
        assertThat(address(proxy, URI.create("http://kubetunnel.example.com/"))).isEqualTo("plain:8080");
    }

    @Test
    void aProxyWithoutPortUsesPort80() {
        assertThat(address(EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://proxy")), WEBHOOK)).isEqualTo("proxy:80");
    }

    @Test
    void noProxyMatchesHostsSubdomainsCidrsAndStar() {
        EnvironmentProxy proxy = EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://p:1",
                "NO_PROXY", "internal.corp, .example.com,10.0.0.0/8"));

        assertThat(proxy.bypasses("internal.corp")).isTrue();
        assertThat(proxy.bypasses("api.internal.corp")).isTrue();
        assertThat(proxy.bypasses("kubetunnel.example.com")).isTrue();
        assertThat(proxy.bypasses("example.com")).isTrue();
        assertThat(proxy.bypasses("10.96.0.1")).isTrue();
        assertThat(proxy.bypasses("11.0.0.1")).isFalse();
        assertThat(proxy.bypasses("notinternal.corp")).isFalse();
        assertThat(proxy.select(WEBHOOK)).containsExactly(Proxy.NO_PROXY);
        assertThat(EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://p:1", "no_proxy", "*")).bypasses("anything")).isTrue();
    }

    @Test
    void userInfoBecomesABasicProxyAuthorizationForProxiedTargetsOnly() {
        EnvironmentProxy proxy = EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://agent:p%40ss@p:1", "NO_PROXY", "direct.corp"));

        assertThat(proxy.proxyAuthorization(WEBHOOK)).hasValue("Basic "
                + Base64.getEncoder().encodeToString("agent:p@ss".getBytes(StandardCharsets.UTF_8)));
        assertThat(proxy.proxyAuthorization(URI.create("https://direct.corp/"))).isEmpty();
        assertThat(EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://a:x+y@p:1")).proxyAuthorization(WEBHOOK)).hasValue("Basic "
                + Base64.getEncoder().encodeToString("a:x+y".getBytes(StandardCharsets.UTF_8)));
        assertThat(EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://p:1")).proxyAuthorization(WEBHOOK)).isEmpty();
    }

    @Test
    void anUnusableProxyUrlIsRefusedWithTheVariableNameButNotItsValue() {
        assertThatThrownBy(() -> EnvironmentProxy.from(Map.of("HTTPS_PROXY", "https://p:443")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTPS_PROXY");
        assertThatThrownBy(() -> EnvironmentProxy.from(Map.of("HTTPS_PROXY", "http://user:se cret@p:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("se cret");
    }

    private static String address(EnvironmentProxy proxy, URI target) {
        InetSocketAddress address = (InetSocketAddress) proxy.select(target).get(0).address();
        return address.getHostString() + ":" + address.getPort();
    }
}
