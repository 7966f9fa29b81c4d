package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.local.runner.IngressRoutes.Backend;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressRoutesTest {

    private static Ingress ingress(
            String ns, String name, String host, String path, String pathType, String service, String port) {
        return new IngressBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewRule()
                .withHost(host)
                .withNewHttp()
                .addNewPath()
                .withPath(path)
                .withPathType(pathType)
                .withNewBackend()
                .withNewService()
                .withName(service)
                .withNewPort()
                .withName(port)
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec()
                .build();
    }

    private final IngressRoutes routes = IngressRoutes.of(List.of(
            ingress("a", "root", "tunnels.example.com", "/", "Prefix", "root-svc", "http"),
            ingress(
                    "a",
                    "tunnel",
                    "tunnels.example.com",
                    "/kt/a/c/tunnel-server",
                    "Prefix",
                    "c-tunnel-server",
                    "tunnel"),
            ingress(
                    "a",
                    "webhook",
                    "tunnels.example.com",
                    "/kt/a/c/kubeconfig/",
                    "Prefix",
                    "c-kubeconfig-webhook",
                    "webhook"),
            ingress("b", "exact", "tunnels.example.com", "/kt/a/c/tunnel-server/exact", "Exact", "exact-svc", "http"),
            ingress("b", "other-host", "other.example.com", "/kt", "Prefix", "other-svc", "http")));

    @Test
    void theLongestMatchingPrefixWinsAndThePathIsMatchedBySegments() {
        assertThat(routes.match("tunnels.example.com", "/kt/a/c/tunnel-server"))
                .contains(new Backend("a", "c-tunnel-server", "tunnel"));
        assertThat(routes.match("tunnels.example.com", "/kt/a/c/tunnel-server/ws"))
                .contains(new Backend("a", "c-tunnel-server", "tunnel"));
        assertThat(routes.match("tunnels.example.com:8443", "/kt/a/c/kubeconfig"))
                .contains(new Backend("a", "c-kubeconfig-webhook", "webhook"));
        assertThat(routes.match("tunnels.example.com", "/kt/a/c/tunnel-serverX"))
                .contains(new Backend("a", "root-svc", "http"));
    }

    @Test
    void anExactPathMatchesOnlyItself() {
        assertThat(routes.match("tunnels.example.com", "/kt/a/c/tunnel-server/exact"))
                .contains(new Backend("b", "exact-svc", "http"));
        assertThat(routes.match("tunnels.example.com", "/kt/a/c/tunnel-server/exact/more"))
                .contains(new Backend("a", "c-tunnel-server", "tunnel"));
    }

    @Test
    void rulesOfAnotherHostDoNotMatch() {
        assertThat(routes.match("other.example.com", "/kt/a/c/tunnel-server"))
                .contains(new Backend("b", "other-svc", "http"));
        assertThat(routes.match("other.example.com", "/elsewhere")).isEmpty();
        assertThat(routes.match("unknown.example.com", "/kt")).isEmpty();
    }

    @Test
    void aLoopbackHostIsAHostLikeAnyOtherAndMatchesOnlyRulesWithoutHost() {
        assertThat(routes.match("127.0.0.1:31443", "/kt/a/c/kubeconfig/register"))
                .isEmpty();
        assertThat(routes.match("localhost", "/kt/a/c/tunnel-server")).isEmpty();
    }

    @Test
    void aRuleWithoutHostMatchesAnyHost() {
        IngressRoutes anyHost =
                IngressRoutes.of(List.of(ingress("a", "any", null, "/x", "ImplementationSpecific", "x", "http")));
        assertThat(anyHost.match("whatever.example.com", "/x/y")).contains(new Backend("a", "x", "http"));
        assertThat(anyHost.hosts()).isEmpty();
        assertThat(routes.hosts()).containsExactlyInAnyOrder("tunnels.example.com", "other.example.com");
    }
}
