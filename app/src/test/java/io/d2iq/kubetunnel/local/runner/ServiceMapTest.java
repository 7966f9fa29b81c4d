package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceMapTest {

    private final Map<String, Service> services = Map.of(
            "ns/c-tunnel-server",
            new ServiceBuilder()
                    .withNewMetadata()
                    .withNamespace("ns")
                    .withName("c-tunnel-server")
                    .endMetadata()
                    .withNewSpec()
                    .withSelector(Map.of("component", "tunnel-server"))
                    .addNewPort()
                    .withName("tunnel")
                    .withPort(8443)
                    .withTargetPort(new IntOrString("tunnel"))
                    .endPort()
                    .addNewPort()
                    .withName("proxy")
                    .withPort(1080)
                    .withTargetPort(new IntOrString(1080))
                    .endPort()
                    .endSpec()
                    .build());
    private final ServiceMap map = new ServiceMap(new PortAllocator(), (ns, name) -> services.get(ns + "/" + name));

    private Map<Integer, Integer> assignTunnelServer() {
        return map.assign(
                "ns",
                "Deployment/c-tunnel-server",
                Map.of("component", "tunnel-server", "extra", "label"),
                List.of(
                        new ContainerPortBuilder()
                                .withName("tunnel")
                                .withContainerPort(8443)
                                .build(),
                        new ContainerPortBuilder()
                                .withName("proxy")
                                .withContainerPort(1080)
                                .build()));
    }

    @Test
    void aServicePortResolvesThroughSelectorAndTargetPortByNameOrNumber() {
        Map<Integer, Integer> ports = assignTunnelServer();
        assertThat(map.resolve("ns", "c-tunnel-server", 8443))
                .contains(new InetSocketAddress("127.0.0.1", ports.get(8443)));
        assertThat(map.resolve("ns", "c-tunnel-server", "proxy"))
                .contains(new InetSocketAddress("127.0.0.1", ports.get(1080)));
        assertThat(map.resolve("other", "c-tunnel-server", 8443)).isEmpty();
        assertThat(map.resolve("ns", "missing", 8443)).isEmpty();
    }

    @Test
    void aWorkloadKeepsItsPortsUntilReleased() {
        Map<Integer, Integer> first = assignTunnelServer();
        assertThat(assignTunnelServer()).isEqualTo(first);
        map.release("ns", "Deployment/c-tunnel-server");
        assertThat(map.resolve("ns", "c-tunnel-server", 8443)).isEmpty();
    }

    @Test
    void aServiceDnsUriIsRewrittenToItsLoopbackPortAndOthersAreKept() {
        int proxy = assignTunnelServer().get(1080);
        assertThat(map.rewrite(URI.create("socks5://c-tunnel-server.ns.svc:1080")))
                .isEqualTo(URI.create("socks5://127.0.0.1:" + proxy));
        assertThat(map.rewrite(URI.create("http://c-tunnel-server.ns.svc.cluster.local:1080/x?y=1")))
                .isEqualTo(URI.create("http://127.0.0.1:" + proxy + "/x?y=1"));
        assertThat(map.rewrite(URI.create("socks5://unknown.ns.svc:1080")))
                .isEqualTo(URI.create("socks5://unknown.ns.svc:1080"));
        assertThat(map.rewrite(URI.create("https://example.com:443"))).isEqualTo(URI.create("https://example.com:443"));
    }

    @Test
    void theControllersResolverFallsBackToClusterDnsForAnUnbackedService() {
        int tunnel = assignTunnelServer().get(8443);
        assertThat(map.addressResolver().resolve("ns", "c-tunnel-server", 8443))
                .isEqualTo(URI.create("http://127.0.0.1:" + tunnel));
        assertThat(map.addressResolver().resolve("ns", "x", 8443)).isEqualTo(URI.create("http://x.ns.svc:8443"));
    }

    @Test
    void aReplacementPodTakesOverThePortsItsPredecessorReleasedAndASecondPodAtOnceGetsItsOwn() {
        List<io.fabric8.kubernetes.api.model.ContainerPort> ports = List.of(
                new ContainerPortBuilder()
                        .withName("tunnel")
                        .withContainerPort(8443)
                        .build(),
                new ContainerPortBuilder()
                        .withName("proxy")
                        .withContainerPort(1080)
                        .build());
        Map<String, String> labels = Map.of("component", "tunnel-server");
        Map<Integer, Integer> first = map.assign("ns", "Pod/a", labels, ports, Map.of());
        Map<Integer, Integer> released = map.release("ns", "Pod/a");
        assertThat(released).isEqualTo(first);
        assertThat(map.assign("ns", "Pod/b", labels, ports, released)).isEqualTo(first);

        // a rolling update: a second Pod of the same Service while the first runs
        Map<Integer, Integer> surge = map.assign("ns", "Pod/c", labels, ports, Map.of());
        assertThat(surge.get(8443)).isNotEqualTo(first.get(8443));
        map.ready("ns", "Pod/b", false);
        assertThat(map.resolve("ns", "c-tunnel-server", 8443))
                .contains(new InetSocketAddress("127.0.0.1", surge.get(8443)));
        map.ready("ns", "Pod/c", false);
        map.ready("ns", "Pod/b", true);
        assertThat(map.resolve("ns", "c-tunnel-server", 8443))
                .contains(new InetSocketAddress("127.0.0.1", first.get(8443)));
    }
}
