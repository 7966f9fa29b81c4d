package io.d2iq.kubetunnel.proxyenv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.proxy.HttpProxyHandler;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One table, run through both adapters: the agent (Netty) and register (JDK HttpClient) take the same route. */
class ProxyEnvironmentTest {

    private static final String ROUTES = """
            environment                                               | target                 | route
            ''                                                        | example.com:443        | direct
            HTTPS_PROXY=http://10.0.0.9:3128                          | example.com:443        | 10.0.0.9:3128
            HTTPS_PROXY=10.0.0.9:3128                                 | example.com:443        | 10.0.0.9:3128
            HTTPS_PROXY=http://10.0.0.9                               | example.com:443        | 10.0.0.9:80
            https_proxy=http://10.0.0.8:1                             | example.com:443        | 10.0.0.8:1
            HTTPS_PROXY=http://10.0.0.9:3128;https_proxy=http://10.0.0.8:1 | example.com:443   | 10.0.0.9:3128
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=example.com            | example.com:443        | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=example.com            | sub.example.com:443    | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=example.com            | notexample.com:443     | 10.0.0.9:3128
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=.example.com           | example.com:443        | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=.example.com           | a.b.example.com:443    | direct
            HTTPS_PROXY=10.0.0.9:3128;no_proxy=Example.COM            | EXAMPLE.com:443        | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=other, svc.local:8443  | svc.local:8443         | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=other, svc.local:8443  | svc.local:443          | 10.0.0.9:3128
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=10.0.0.1:443           | 10.0.0.1:443           | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=10.0.0.0/8             | 10.96.0.1:443          | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=10.0.0.0/8             | 11.0.0.1:443           | 10.0.0.9:3128
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=fd00::/8               | [fd00::1]:443          | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=fd00::/8               | [fe80::1]:443          | 10.0.0.9:3128
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=::1                    | [0:0:0:0:0:0:0:1]:443  | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=[::1]:8443             | [::1]:8443             | direct
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=[::1]:8443             | [::1]:443              | 10.0.0.9:3128
            HTTPS_PROXY=10.0.0.9:3128;NO_PROXY=*                      | anything:443           | direct
            """;

    @ParameterizedTest(name = "{0} → {1}: {2}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = ROUTES)
    void registerRoutesAsTheTable(String environment, String target, String route) {
        URI webhook = URI.create("https://" + target + "/register");
        Proxy proxy = new JdkProxySelector(ProxyEnvironment.from(parse(environment)))
                .select(webhook)
                .get(0);

        assertThat(proxy.type() == Proxy.Type.DIRECT ? "direct" : address((InetSocketAddress) proxy.address()))
                .isEqualTo(route);
    }

    @ParameterizedTest(name = "{0} → {1}: {2}")
    @CsvSource(delimiter = '|', useHeadersInDisplayName = true, textBlock = ROUTES)
    void theAgentRoutesAsTheTable(String environment, String target, String route) {
        URI server = URI.create("wss://" + target + "/tunnel");
        String actual = NettyProxyHandlers.forTunnelTo(
                        ProxyEnvironment.from(parse(environment)), server.getHost(), server.getPort())
                .map(handler -> address(handler.proxyAddress()))
                .orElse("direct");

        assertThat(actual).isEqualTo(route);
    }

    @Test
    void registerUsesHttpProxyForAnHttpWebhook() {
        JdkProxySelector selector = new JdkProxySelector(
                ProxyEnvironment.from(Map.of("HTTPS_PROXY", "http://10.0.0.9:3128", "http_proxy", "10.0.0.8:8080")));

        assertThat(selector.select(URI.create("http://webhook.corp/")).get(0).address())
                .isEqualTo(InetSocketAddress.createUnresolved("10.0.0.8", 8080));
        assertThat(new JdkProxySelector(ProxyEnvironment.from(Map.of("HTTPS_PROXY", "http://10.0.0.9:3128")))
                        .select(URI.create("http://webhook.corp/")))
                .containsExactly(Proxy.NO_PROXY);
    }

    @Test
    void percentEncodedUserInfoBecomesTheSameCredentialsForBothRoles() {
        ProxyEnvironment environment = ProxyEnvironment.from(
                Map.of("HTTPS_PROXY", "http://corp%20user:p%40ss%3Aw+rd@10.0.0.9:3128", "NO_PROXY", "direct.corp"));

        assertThat(new JdkProxySelector(environment).proxyAuthorization(URI.create("https://webhook.corp/")))
                .hasValue("Basic "
                        + Base64.getEncoder().encodeToString("corp user:p@ss:w+rd".getBytes(StandardCharsets.UTF_8)));
        assertThat(new JdkProxySelector(environment).proxyAuthorization(URI.create("https://direct.corp/")))
                .isEmpty();
        HttpProxyHandler handler =
                NettyProxyHandlers.forTunnelTo(environment, "tunnel.corp", 443).orElseThrow();
        assertThat(handler.username()).isEqualTo("corp user");
        assertThat(handler.password()).isEqualTo("p@ss:w+rd");
        assertThat(environment
                        .proxyFor("https", "tunnel.corp", 443)
                        .orElseThrow()
                        .toString())
                .doesNotContain("p@ss");
        assertThat(new JdkProxySelector(ProxyEnvironment.from(Map.of("HTTPS_PROXY", "10.0.0.9:3128")))
                        .proxyAuthorization(URI.create("https://webhook.corp/")))
                .isEmpty();
    }

    @Test
    void unusableProxyUrlsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> ProxyEnvironment.from(Map.of("HTTPS_PROXY", "socks5://p:1")))
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> ProxyEnvironment.from(Map.of("HTTPS_PROXY", "https://p:443")))
                .hasMessageContaining("http://");
        assertThatThrownBy(() -> ProxyEnvironment.from(Map.of("HTTP_PROXY", "http://user:se cret@p:1")))
                .hasMessageStartingWith("HTTP_PROXY")
                .hasMessageNotContaining("se cret");
    }

    private static Map<String, String> parse(String environment) {
        return Arrays.stream(environment.split(";"))
                .filter(s -> !s.isBlank())
                .map(s -> s.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0].trim(), kv -> kv[1].trim()));
    }

    private static String address(java.net.SocketAddress address) {
        InetSocketAddress inet = (InetSocketAddress) address;
        return inet.getHostString() + ":" + inet.getPort();
    }
}
