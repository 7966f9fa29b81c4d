package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class PatchesTest {

    @Test
    void contentTypesMapToPatchTypesIgnoringParameters() {
        assertThat(Patches.of("application/merge-patch+json; charset=utf-8")).isEqualTo(Patches.Type.MERGE);
        assertThat(Patches.of("application/json-patch+json")).isEqualTo(Patches.Type.JSON_PATCH);
        assertThat(Patches.of("application/strategic-merge-patch+json")).isEqualTo(Patches.Type.STRATEGIC_MERGE);
        assertThat(Patches.of("application/apply-patch+yaml")).isEqualTo(Patches.Type.APPLY);
        assertThat(Patches.of("text/plain")).isEqualTo(Patches.Type.UNSUPPORTED);
        assertThat(Patches.of(null)).isEqualTo(Patches.Type.UNSUPPORTED);
    }

    @Test
    void strategicPatchWithoutListsOrDirectivesIsAPlainMerge() {
        assertThat(Patches.isPlainMerge(json("{\"spec\":{\"replicas\":2,\"paused\":null}}")))
                .isTrue();
        assertThat(Patches.isPlainMerge(json("{\"spec\":{\"containers\":[{\"name\":\"a\"}]}}")))
                .isFalse();
        assertThat(Patches.isPlainMerge(json("{\"spec\":{\"$retainKeys\":\"x\"}}")))
                .isFalse();
    }

    @Test
    void mergePatchReplacesMergesAndDeletesWithNull() {
        JsonNode result = Patches.merge(
                json("{\"a\":{\"b\":1,\"c\":2},\"l\":[1,2]}"), json("{\"a\":{\"b\":5,\"c\":null},\"l\":[3]}"));

        assertThat(result).isEqualTo(json("{\"a\":{\"b\":5},\"l\":[3]}"));
    }

    @Test
    void jsonPatchIsAppliedAsRfc6902() {
        JsonNode result = Patches.apply(
                Patches.Type.JSON_PATCH,
                json("{\"spec\":{\"proxyPort\":1}}"),
                json("[{\"op\":\"replace\",\"path\":\"/spec/proxyPort\",\"value\":2}]"));

        assertThat(result).isEqualTo(json("{\"spec\":{\"proxyPort\":2}}"));
    }

    private static JsonNode json(String text) {
        try {
            return ApiStatus.JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
