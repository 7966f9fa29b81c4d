package io.d2iq.kubetunnel.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConnectorSpecValidatorTest {

    private static Optional<SpecProblem> problemOf(
            Integer proxyPort, String gatewayRef, TunnelGateway gateway, String ca) {
        return ConnectorSpecValidator.firstProblem(new ConnectorInputs(
                ConnectorFixtures.connector("ns", "c", gatewayRef, proxyPort), gateway, ca, null, null));
    }

    private static TunnelGateway gateway(String host, String prefix, String caSecret) {
        return ConnectorFixtures.gateway("ns", "gw", host, prefix, caSecret);
    }

    @Test
    void aValidConnectorHasNoProblem() {
        assertThat(problemOf(1080, "gw", gateway("a.example.com", "/kt", "ca"), "PEM"))
                .isEmpty();
        assertThat(problemOf(null, "gw", ConnectorFixtures.gatewayWithoutIngress("ns", "gw"), null))
                .isEmpty();
    }

    @Test
    void eachBadFieldIsNamedWithItsFix() {
        assertThat(problemOf(1080, null, null, null))
                .get()
                .extracting(SpecProblem::reason, SpecProblem::field)
                .containsExactly("GatewayRefMissing", "spec.gatewayRef.name");
        assertThat(problemOf(70000, "gw", gateway(null, null, null), null))
                .get()
                .extracting(SpecProblem::reason, SpecProblem::field)
                .containsExactly("ProxyPortInvalid", "spec.proxyPort");
        assertThat(problemOf(0, "gw", gateway(null, null, null), null))
                .get()
                .extracting(SpecProblem::reason)
                .isEqualTo("ProxyPortInvalid");
        assertThat(problemOf(8443, "gw", gateway(null, null, null), null))
                .get()
                .extracting(SpecProblem::reason)
                .isEqualTo("ProxyPortConflict");
        assertThat(problemOf(8080, "gw", gateway(null, null, null), null))
                .get()
                .satisfies(p -> assertThat(p.message()).contains("management port"))
                .extracting(SpecProblem::reason)
                .isEqualTo("ProxyPortConflict");
        assertThat(problemOf(1080, "gw", null, null))
                .get()
                .satisfies(p -> assertThat(p.message()).contains("'gw'", "does not exist"))
                .extracting(SpecProblem::reason)
                .isEqualTo("GatewayNotFound");
        assertThat(problemOf(1080, "gw", gateway("Bad_Host!", null, null), null))
                .get()
                .extracting(SpecProblem::reason, SpecProblem::field)
                .containsExactly("IngressHostInvalid", "spec.ingress.host");
        assertThat(problemOf(1080, "gw", gateway(null, "no-slash", null), null))
                .get()
                .extracting(SpecProblem::reason)
                .isEqualTo("UrlPathPrefixInvalid");
        assertThat(problemOf(1080, "gw", gateway(null, "/a b", null), null))
                .get()
                .extracting(SpecProblem::reason)
                .isEqualTo("UrlPathPrefixInvalid");
        assertThat(problemOf(1080, "gw", gateway(null, null, "ca"), null))
                .get()
                .satisfies(p -> assertThat(p.message()).contains("ca.crt"))
                .extracting(SpecProblem::reason)
                .isEqualTo("CaSecretInvalid");
    }

    @Test
    void wildcardHostsAreAllowed() {
        assertThat(problemOf(1080, "gw", gateway("*.tunnels.example.com", "/", null), null))
                .isEmpty();
    }
}
