package io.d2iq.kubetunnel.api.v1alpha1;

import static io.d2iq.kubetunnel.api.v1alpha1.CrdSchemas.SERIALIZATION;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifests of deploy/samples load into the API classes unchanged and fit together. */
class SamplesTest {

    private static final Path SAMPLES = Path.of("deploy/samples");
    private static final Path CA_SECRET = SAMPLES.resolve("ca-secret.yaml");
    private static final Path GATEWAY = SAMPLES.resolve("tunnelgateway.yaml");
    private static final Path CONNECTOR = SAMPLES.resolve("tunnelconnector.yaml");

    @Test
    void gatewaySampleLoadsIntoTunnelGatewayAndSerializesBackUnchanged() {
        TunnelGateway gateway = load(GATEWAY, TunnelGateway.class);

        assertThat(gateway.getMetadata().getName()).isEqualTo("demo-gateway");
        assertThat(gateway.getMetadata().getNamespace()).isEqualTo("default");
        TunnelGatewayIngressSpec ingress = gateway.getSpec().getIngress();
        assertThat(ingress.getHost()).isEqualTo("kubetunnel.example.com");
        assertThat(ingress.getUrlPathPrefix()).isEqualTo("/kubetunnel");
        assertThat(ingress.getCaSecretRef().getName()).isEqualTo("demo-gateway-ca");
        assertThat(ingress.getExtraAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
        assertThat(SERIALIZATION.convertValue(gateway, JsonNode.class)).isEqualTo(tree(GATEWAY));
    }

    @Test
    void connectorSampleLoadsIntoTunnelConnectorAndSerializesBackUnchanged() {
        TunnelConnector connector = load(CONNECTOR, TunnelConnector.class);

        assertThat(connector.getMetadata().getName()).isEqualTo("demo-cluster");
        assertThat(connector.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(connector.getSpec().getGatewayRef().getName()).isEqualTo("demo-gateway");
        assertThat(connector.getSpec().getProxyPort()).isEqualTo(1080);
        assertThat(connector.getStatus()).isNull();
        assertThat(SERIALIZATION.convertValue(connector, JsonNode.class)).isEqualTo(tree(CONNECTOR));
    }

    @Test
    void samplesReferToEachOtherByNameInOneNamespace() {
        Secret ca = load(CA_SECRET, Secret.class);
        TunnelGateway gateway = load(GATEWAY, TunnelGateway.class);
        TunnelConnector connector = load(CONNECTOR, TunnelConnector.class);

        assertThat(connector.getSpec().getGatewayRef().getName())
                .isEqualTo(gateway.getMetadata().getName());
        assertThat(gateway.getSpec().getIngress().getCaSecretRef().getName())
                .isEqualTo(ca.getMetadata().getName());
        assertThat(gateway.getSpec().getIngress().getCaSecretRef().getNamespace())
                .isEqualTo(ca.getMetadata().getNamespace());
        assertThat(connector.getMetadata().getNamespace())
                .isEqualTo(gateway.getMetadata().getNamespace());
    }

    @Test
    void caSecretIsAnOpaqueSecretWithAPemCaCertificateUnderCaCrt() throws Exception {
        Secret ca = load(CA_SECRET, Secret.class);

        assertThat(ca.getType()).isEqualTo("Opaque");
        assertThat(ca.getData()).containsOnlyKeys("ca.crt");
        byte[] pem = Base64.getDecoder().decode(ca.getData().get("ca.crt"));
        assertThat(new String(pem, StandardCharsets.US_ASCII)).startsWith("-----BEGIN CERTIFICATE-----");
        X509Certificate certificate = (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
        assertThat(certificate.getBasicConstraints()).as("a CA certificate").isGreaterThanOrEqualTo(0);
        certificate.verify(certificate.getPublicKey());
    }

    @Test
    void customResourceSamplesSatisfyTheirCrdSchemas() {
        assertThat(CrdSchemas.violations(CrdSchemas.GATEWAY_CRD, tree(GATEWAY))).isEmpty();
        assertThat(CrdSchemas.violations(CrdSchemas.CONNECTOR_CRD, tree(CONNECTOR)))
                .isEmpty();
    }

    @Test
    void customResourceSamplesUseTheApiVersionAndKindOfTheClasses() {
        for (Map.Entry<Path, String> sample :
                Map.of(GATEWAY, "TunnelGateway", CONNECTOR, "TunnelConnector").entrySet()) {
            JsonNode tree = tree(sample.getKey());
            assertThat(tree.get("apiVersion").asText()).isEqualTo(ApiGroup.API_VERSION);
            assertThat(tree.get("kind").asText()).isEqualTo(sample.getValue());
        }
    }

    private static <T> T load(Path file, Class<T> type) {
        try (InputStream in = Files.newInputStream(file)) {
            return SERIALIZATION.unmarshal(in, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode tree(Path file) {
        return load(file, JsonNode.class);
    }
}
