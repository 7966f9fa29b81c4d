package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class StrategicMergePatchTest {

    private static final String POD_SPEC = """
            {"spec":{"containers":[
              {"name":"agent","image":"a:1","args":["--old"],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
               "ports":[{"name":"management","containerPort":8080}]},
              {"name":"sidecar","image":"s:1"}]}}""";

    @Test
    void containersMergeByNameAndTheirArgsAreReplaced() {
        JsonNode result = StrategicMergePatch.apply(json(POD_SPEC), json("""
                {"spec":{"$setElementOrder/containers":[{"name":"agent"},{"name":"sidecar"}],
                  "containers":[{"name":"agent","args":["--new","--more"]}]}}"""));

        assertThat(result.at("/spec/containers/0/args")).isEqualTo(json("[\"--new\",\"--more\"]"));
        assertThat(result.at("/spec/containers/0/image").asText()).isEqualTo("a:1");
        assertThat(result.at("/spec/containers/1/name").asText()).isEqualTo("sidecar");
    }

    @Test
    void envMergesByNameAndPatchDeleteRemovesAnElement() {
        JsonNode result = StrategicMergePatch.apply(json(POD_SPEC), json("""
                {"spec":{"containers":[{"name":"agent","env":[{"name":"A","value":"9"},{"$patch":"delete","name":"B"},{"name":"C","value":"3"}]},
                  {"$patch":"delete","name":"sidecar"}]}}"""));

        assertThat(result.at("/spec/containers/0/env"))
                .isEqualTo(json("[{\"name\":\"A\",\"value\":\"9\"},{\"name\":\"C\",\"value\":\"3\"}]"));
        assertThat(result.at("/spec/containers")).hasSize(1);
    }

    @Test
    void containerPortsMergeOnContainerPortAndServicePortsOnPort() {
        JsonNode pod = StrategicMergePatch.apply(json(POD_SPEC), json("""
                {"spec":{"containers":[{"name":"agent","ports":[{"containerPort":8080,"protocol":"TCP"},{"containerPort":9090}]}]}}"""));
        JsonNode service = StrategicMergePatch.apply(
                json("{\"spec\":{\"ports\":[{\"name\":\"proxy\",\"port\":1080}]}}"),
                json("{\"spec\":{\"ports\":[{\"port\":1080,\"targetPort\":1081}]}}"));

        assertThat(pod.at("/spec/containers/0/ports"))
                .isEqualTo(
                        json(
                                "[{\"name\":\"management\",\"containerPort\":8080,\"protocol\":\"TCP\"},{\"containerPort\":9090}]"));
        assertThat(service.at("/spec/ports"))
                .isEqualTo(json("[{\"name\":\"proxy\",\"port\":1080,\"targetPort\":1081}]"));
    }

    @Test
    void setElementOrderReordersAndListsWithoutAMergeKeyAreReplaced() {
        JsonNode result = StrategicMergePatch.apply(json(POD_SPEC), json("""
                {"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"agent"}],
                  "tolerations":[{"key":"k","operator":"Exists"}]}}"""));

        assertThat(result.at("/spec/containers/0/name").asText()).isEqualTo("sidecar");
        assertThat(result.at("/spec/containers/1/name").asText()).isEqualTo("agent");
        assertThat(result.at("/spec/tolerations")).isEqualTo(json("[{\"key\":\"k\",\"operator\":\"Exists\"}]"));
    }

    @Test
    void patchReplaceRetainKeysNullAndDeleteFromPrimitiveList() {
        JsonNode target = json("""
                {"metadata":{"finalizers":["a","b","c"],"labels":{"x":"1","y":"2"}},
                 "spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},"selector":{"matchLabels":{"app":"a"}}}}""");

        JsonNode result = StrategicMergePatch.apply(target, json("""
                {"metadata":{"$deleteFromPrimitiveList/finalizers":["b"],"labels":{"y":null}},
                 "spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"},"selector":{"$patch":"replace","matchLabels":{"app":"b"}}}}"""));

        assertThat(result.at("/metadata/finalizers")).isEqualTo(json("[\"a\",\"c\"]"));
        assertThat(result.at("/metadata/labels")).isEqualTo(json("{\"x\":\"1\"}"));
        assertThat(result.at("/spec/strategy")).isEqualTo(json("{\"type\":\"Recreate\"}"));
        assertThat(result.at("/spec/selector")).isEqualTo(json("{\"matchLabels\":{\"app\":\"b\"}}"));
        assertThat(target.at("/metadata/finalizers"))
                .as("the target is not modified")
                .hasSize(3);
    }

    private static JsonNode json(String text) {
        try {
            return ApiStatus.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
