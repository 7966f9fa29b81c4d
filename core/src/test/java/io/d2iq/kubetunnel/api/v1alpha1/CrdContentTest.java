package io.d2iq.kubetunnel.api.v1alpha1;

import static io.d2iq.kubetunnel.api.v1alpha1.CrdSchemas.CONNECTOR_CRD;
import static io.d2iq.kubetunnel.api.v1alpha1.CrdSchemas.GATEWAY_CRD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the generated CRDs of deploy/crds tell the API server. */
class CrdContentTest {

    @Test
    void bothKindsAreNamespacedAndServedAsKubetunnelV1alpha1() {
        for (Path file : new Path[] {GATEWAY_CRD, CONNECTOR_CRD}) {
            CustomResourceDefinition crd = CrdSchemas.load(file);
            assertThat(crd.getApiVersion()).isEqualTo("apiextensions.k8s.io/v1");
            assertThat(crd.getSpec().getGroup()).isEqualTo("kubetunnel.d2iq.io");
            assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
            assertThat(crd.getSpec().getVersions())
                    .extracting(
                            CustomResourceDefinitionVersion::getName,
                            CustomResourceDefinitionVersion::getServed,
                            CustomResourceDefinitionVersion::getStorage)
                    .containsExactly(tuple("v1alpha1", true, true));
        }
        assertThat(CrdSchemas.load(GATEWAY_CRD).getMetadata().getName()).isEqualTo("tunnelgateways.kubetunnel.d2iq.io");
        assertThat(CrdSchemas.load(CONNECTOR_CRD).getMetadata().getName())
                .isEqualTo("tunnelconnectors.kubetunnel.d2iq.io");
    }

    @Test
    void connectorHasTheStatusSubresourceAndGatewayHasNoStatusAtAll() {
        assertThat(version(CONNECTOR_CRD).getSubresources().getStatus()).isNotNull();
        assertThat(version(GATEWAY_CRD).getSubresources()).isNull();
        assertThat(schema(GATEWAY_CRD).getProperties()).doesNotContainKey("status");
    }

    @Test
    void connectorPrinterColumnsShowGatewayStateAndAgeInThatOrderAndWithOWideTheReadyConditionsReasonAndMessage() {
        assertThat(version(CONNECTOR_CRD).getAdditionalPrinterColumns())
                .extracting(
                        CustomResourceColumnDefinition::getName,
                        CustomResourceColumnDefinition::getJsonPath,
                        CustomResourceColumnDefinition::getType,
                        CustomResourceColumnDefinition::getPriority)
                .containsExactly(
                        tuple("Gateway", ".spec.gatewayRef.name", "string", 0),
                        tuple("State", ".status.state", "string", 0),
                        tuple("Age", ".metadata.creationTimestamp", "date", 0),
                        tuple("Reason", ".status.conditions[?(@.type==\"Ready\")].reason", "string", 1),
                        tuple("Message", ".status.conditions[?(@.type==\"Ready\")].message", "string", 1));
    }

    @Test
    void bothKindsHaveShortNamesAndTheKubetunnelCategory() {
        assertThat(CrdSchemas.load(CONNECTOR_CRD).getSpec().getNames().getShortNames())
                .containsExactly("tc");
        assertThat(CrdSchemas.load(GATEWAY_CRD).getSpec().getNames().getShortNames())
                .containsExactly("tgw");
        assertThat(CrdSchemas.load(CONNECTOR_CRD).getSpec().getNames().getCategories())
                .containsExactly("kubetunnel");
        assertThat(CrdSchemas.load(GATEWAY_CRD).getSpec().getNames().getCategories())
                .containsExactly("kubetunnel");
    }

    @Test
    void gatewayPrinterColumnsShowHostPrefixAndAgeInThatOrder() {
        assertThat(version(GATEWAY_CRD).getAdditionalPrinterColumns())
                .extracting(CustomResourceColumnDefinition::getName, CustomResourceColumnDefinition::getJsonPath)
                .containsExactly(
                        tuple("Host", ".spec.ingress.host"),
                        tuple("Prefix", ".spec.ingress.urlPathPrefix"),
                        tuple("Age", ".metadata.creationTimestamp"));
    }

    @Test
    void proxyPortIsAnIntegerFrom1To65535() {
        JSONSchemaProps proxyPort = schema(CONNECTOR_CRD)
                .getProperties()
                .get("spec")
                .getProperties()
                .get("proxyPort");

        assertThat(proxyPort.getType()).isEqualTo("integer");
        assertThat(proxyPort.getMinimum()).isEqualTo(1.0);
        assertThat(proxyPort.getMaximum()).isEqualTo(65535.0);
    }

    @Test
    void stateIsAnEnumOfTheSixConnectorStates() {
        JSONSchemaProps state = schema(CONNECTOR_CRD)
                .getProperties()
                .get("status")
                .getProperties()
                .get("state");

        assertThat(state.getType()).isEqualTo("string");
        assertThat(state.getEnum())
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(Arrays.stream(TunnelConnectorState.values())
                        .map(Enum::name)
                        .toArray(String[]::new));
        assertThat(state.getEnum()).hasSize(6);
    }

    @Test
    void conditionsAreAListOfStandardConditions() {
        JSONSchemaProps conditions = schema(CONNECTOR_CRD)
                .getProperties()
                .get("status")
                .getProperties()
                .get("conditions");

        assertThat(conditions.getType()).isEqualTo("array");
        assertThat(conditions.getItems().getSchema().getProperties())
                .containsOnlyKeys("type", "status", "reason", "message", "observedGeneration", "lastTransitionTime");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1080, 65535})
    void schemaAcceptsProxyPortsInRange(int port) {
        assertThat(CrdSchemas.violations(CONNECTOR_CRD, connectorWithProxyPort(port)))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 65536, 70000, -1})
    void schemaRefusesProxyPortsOutOfRangeNamingTheField(int port) {
        assertThat(CrdSchemas.violations(CONNECTOR_CRD, connectorWithProxyPort(port)))
                .singleElement()
                .asString()
                .contains("proxyPort");
    }

    @Test
    void schemaRefusesANonIntegerProxyPortNamingTheField() {
        ObjectNode connector = CrdSchemas.SERIALIZATION.convertValue(connectorWithProxyPort(1080), ObjectNode.class);
        ((ObjectNode) connector.get("spec")).put("proxyPort", "abc");

        assertThat(CrdSchemas.violations(CONNECTOR_CRD, connector))
                .singleElement()
                .asString()
                .contains("proxyPort")
                .contains("string")
                .contains("integer");
    }

    @Test
    void schemaRefusesAStateOutsideTheEnum() {
        ObjectNode connector = CrdSchemas.SERIALIZATION.convertValue(connectorWithProxyPort(1080), ObjectNode.class);
        connector.putObject("status").put("state", "Sleeping");

        assertThat(CrdSchemas.violations(CONNECTOR_CRD, connector))
                .singleElement()
                .asString()
                .contains("state");
    }

    private static TunnelConnector connectorWithProxyPort(int port) {
        TunnelConnector connector = new TunnelConnector();
        connector.setSpec(new TunnelConnectorSpec());
        connector.getSpec().setProxyPort(port);
        return connector;
    }

    private static CustomResourceDefinitionVersion version(Path crd) {
        return CrdSchemas.load(crd).getSpec().getVersions().get(0);
    }

    private static JSONSchemaProps schema(Path crd) {
        return version(crd).getSchema().getOpenAPIV3Schema();
    }
}
