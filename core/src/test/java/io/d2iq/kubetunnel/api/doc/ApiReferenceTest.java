package io.d2iq.kubetunnel.api.doc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.type.TypeFactory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The types and field rows read from the v1alpha1 classes. */
class ApiReferenceTest {

    private final List<ApiReference.Type> types = new ApiReference().types();

    @Test
    void typesComeGroupedByKindGatewayFirstAndSortedByNameWithinEachGroup() {
        assertThat(types)
                .extracting(ApiReference.Type::name)
                .containsExactly(
                        "TunnelGateway",
                        "TunnelGatewayIngressSpec",
                        "TunnelGatewayList",
                        "TunnelGatewaySpec",
                        "KubeconfigWebhookStatus",
                        "TunnelAgentStatus",
                        "TunnelConnector",
                        "TunnelConnectorList",
                        "TunnelConnectorSpec",
                        "TunnelConnectorStatus",
                        "TunnelServerStatus");
    }

    @Test
    void kindsListMetadataSpecAndStatusButNeitherApiVersionNorKind() {
        assertThat(fieldNames("TunnelConnector")).containsExactly("metadata", "spec", "status");
        assertThat(fieldNames("TunnelGateway")).as("the gateway has no status").containsExactly("metadata", "spec");
        assertThat(fieldNames("TunnelGatewayList")).containsExactly("metadata", "items");
    }

    @Test
    void schemesAreWrittenAsTheKubernetesGoTypes() {
        assertThat(field("TunnelGateway", "metadata").scheme())
                .isEqualTo(
                        "[metav1.ObjectMeta](https://v1-20.docs.kubernetes.io/docs/reference/generated/kubernetes-api/v1.20/#objectmeta-v1-meta)");
        assertThat(field("TunnelGateway", "spec").scheme()).isEqualTo("[TunnelGatewaySpec](#tunnelgatewayspec)");
        assertThat(field("TunnelGatewayList", "items").scheme()).isEqualTo("[][TunnelGateway](#tunnelgateway)");
        assertThat(field("TunnelGatewayIngressSpec", "extraAnnotations").scheme())
                .isEqualTo("map[string]string");
        assertThat(field("TunnelGatewayIngressSpec", "caSecretRef").scheme()).isEqualTo("corev1.ObjectReference");
        assertThat(field("TunnelGatewayIngressSpec", "loadBalancer").scheme()).isEqualTo("corev1.LoadBalancerIngress");
        assertThat(field("TunnelGatewayIngressSpec", "host").scheme()).isEqualTo("string");
        assertThat(field("TunnelConnectorSpec", "gatewayRef").scheme()).isEqualTo("corev1.LocalObjectReference");
        assertThat(field("TunnelConnectorSpec", "proxyPort").scheme()).isEqualTo("int32");
        assertThat(field("TunnelConnectorStatus", "gatewayObservedGeneration").scheme())
                .isEqualTo("int64");
        assertThat(field("TunnelConnectorStatus", "state").scheme()).isEqualTo("TunnelConnectorState");
        assertThat(field("TunnelConnectorStatus", "conditions").scheme()).startsWith("[][metav1.Condition](");
    }

    @Test
    void onlyListItemsAreRequired() {
        assertThat(types)
                .flatExtracting(ApiReference.Type::fields)
                .filteredOn(ApiReference.Field::required)
                .extracting(ApiReference.Field::name)
                .containsExactly("items", "items");
    }

    @Test
    void descriptionsComeFromTheJacksonAnnotations() {
        assertThat(types)
                .filteredOn(type -> type.name().equals("TunnelGatewaySpec"))
                .singleElement()
                .extracting(ApiReference.Type::description)
                .isEqualTo("If no ingress is set, the services will only be accessible on `localhost`.");
        assertThat(field("TunnelConnectorSpec", "proxyPort").description()).isEqualTo("The port for the tunnel proxy.");
    }

    @Test
    void aTypeWithoutAKnownKubernetesNameIsRefusedNamingIt() {
        assertThatThrownBy(() -> SchemeNames.of(TypeFactory.defaultInstance().constructType(Instant.class)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.time.Instant");
    }

    private List<String> fieldNames(String type) {
        return type(type).fields().stream().map(ApiReference.Field::name).toList();
    }

    private ApiReference.Field field(String type, String name) {
        return type(type).fields().stream()
                .filter(field -> field.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private ApiReference.Type type(String name) {
        return types.stream()
                .filter(type -> type.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
