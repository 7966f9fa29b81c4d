package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The committed CRDs of deploy/crds, and their OpenAPI schemas as JSON-schema validators. */
final class CrdSchemas {

    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    static final Path GATEWAY_CRD = Path.of("deploy/crds/tunnelgateways.kubetunnel.d2iq.io-v1.yml");
    static final Path CONNECTOR_CRD = Path.of("deploy/crds/tunnelconnectors.kubetunnel.d2iq.io-v1.yml");

    private CrdSchemas() {}

    static CustomResourceDefinition load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return SERIALIZATION.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The messages of validating this object against the CRD's only version schema, as the API server would. */
    static List<String> violations(Path crdFile, Object object) {
        JsonNode schema = SERIALIZATION.convertValue(
                load(crdFile).getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema(), JsonNode.class);
        JsonSchema validator =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        JsonNode instance = object instanceof JsonNode node ? node : SERIALIZATION.convertValue(object, JsonNode.class);
        return validator.validate(instance).stream()
                .map(ValidationMessage::getMessage)
                .sorted()
                .toList();
    }
}
