package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomResourceValidatorTest {

    private final CustomResourceValidator validator = new CustomResourceValidator();
    private final JsonNode schema = connectorSchema();

    @Test
    void validConnectorHasNoCause() {
        assertThat(validator.validate(schema, connector("{\"proxyPort\":1080}", "{\"state\":\"Connected\"}")))
                .isEmpty();
    }

    @Test
    void wrongTypeAndOutOfRangePortsNameTheField() {
        assertThat(fields(validator.validate(schema, connector("{\"proxyPort\":\"abc\"}", "{}"))))
                .containsExactly("spec.proxyPort");
        assertThat(fields(validator.validate(schema, connector("{\"proxyPort\":70000}", "{}"))))
                .containsExactly("spec.proxyPort");
        assertThat(fields(validator.validate(schema, connector("{\"proxyPort\":0}", "{}"))))
                .containsExactly("spec.proxyPort");
    }

    @Test
    void stateOutsideTheEnumNamesTheField() {
        List<ApiStatus.Cause> causes = validator.validate(schema, connector("{}", "{\"state\":\"Sleeping\"}"));

        assertThat(fields(causes)).containsExactly("status.state");
        assertThat(causes.get(0).message()).contains("\"Sleeping\"");
    }

    @Test
    void missingRequiredPropertyIsNamedWithItsParent() throws IOException {
        JsonNode requiring = new ObjectMapper()
                .readTree(
                        "{\"type\":\"object\",\"properties\":{\"spec\":{\"type\":\"object\",\"required\":[\"proxyPort\"]}}}");

        List<ApiStatus.Cause> causes = validator.validate(requiring, connector("{}", "{}"));

        assertThat(causes).containsExactly(new ApiStatus.Cause("spec.proxyPort", "Required value"));
    }

    @Test
    void nullFieldsArePrunedBeforeValidationAsTheApiServerDoes() {
        assertThat(validator.validate(schema, connector("{\"proxyPort\":null}", "null")))
                .isEmpty();
    }

    @Test
    void noSchemaMeansNoValidation() {
        assertThat(validator.validate(null, connector("{\"proxyPort\":\"abc\"}", "{}")))
                .isEmpty();
    }

    private static List<String> fields(List<ApiStatus.Cause> causes) {
        return causes.stream().map(ApiStatus.Cause::field).toList();
    }

    private static JsonNode connector(String spec, String status) {
        try {
            return ApiStatus.JSON.readTree(
                    "{\"apiVersion\":\"kubetunnel.d2iq.io/v1alpha1\",\"kind\":\"TunnelConnector\","
                            + "\"metadata\":{\"name\":\"c\"},\"spec\":" + spec + ",\"status\":" + status + "}");
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode connectorSchema() {
        try {
            JsonNode crd = new ObjectMapper(new YAMLFactory())
                    .readTree(KubectlAcceptanceTests.CRDS
                            .resolve("tunnelconnectors.kubetunnel.d2iq.io-v1.yml")
                            .toFile());
            return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
