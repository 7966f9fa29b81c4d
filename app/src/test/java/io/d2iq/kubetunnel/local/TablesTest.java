package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class TablesTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private final Tables tables = new Tables(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void onlyAMetaV1TableAcceptIsATableRequest() {
        assertThat(
                        Tables.wanted(
                                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"))
                .isTrue();
        assertThat(Tables.wanted("application/json")).isFalse();
        assertThat(Tables.wanted(null)).isFalse();
    }

    @Test
    void printerColumnsFollowTheNameAndMissingValuesAreNull() throws Exception {
        JsonNode columns =
                ApiStatus.JSON.readTree("[{\"name\":\"State\",\"type\":\"string\",\"jsonPath\":\".status.state\"},"
                        + "{\"name\":\"Port\",\"type\":\"integer\",\"jsonPath\":\".spec.proxyPort\"},"
                        + "{\"name\":\"Age\",\"type\":\"date\",\"jsonPath\":\".metadata.creationTimestamp\"}]");
        JsonNode list = ApiStatus.JSON.readTree("{\"metadata\":{\"resourceVersion\":\"7\"},\"items\":["
                + "{\"metadata\":{\"name\":\"a\",\"creationTimestamp\":\"2026-01-01T11:59:15Z\"},\"spec\":{\"proxyPort\":1080},\"status\":{\"state\":\"Connected\"}},"
                + "{\"metadata\":{\"name\":\"b\",\"creationTimestamp\":\"2026-01-01T10:00:00Z\"},\"spec\":{}}]}");

        JsonNode table = tables.of(list, columns);

        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("metadata").path("resourceVersion").asText()).isEqualTo("7");
        assertThat(table.path("columnDefinitions").findValuesAsText("name"))
                .containsExactly("Name", "State", "Port", "Age");
        assertThat(table.path("rows").get(0).path("cells").toString()).isEqualTo("[\"a\",\"Connected\",1080,\"45s\"]");
        assertThat(table.path("rows").get(1).path("cells").toString()).isEqualTo("[\"b\",null,null,\"120m\"]");
        assertThat(table.path("rows")
                        .get(0)
                        .path("object")
                        .path("metadata")
                        .path("name")
                        .asText())
                .isEqualTo("a");
    }

    @Test
    void ageIsPrintedTheWayKubectlDoes() {
        assertThat(tables.age("2026-01-01T11:57:30Z")).isEqualTo("2m30s");
        assertThat(tables.age("2026-01-01T07:00:00Z")).isEqualTo("5h");
        assertThat(tables.age("2025-12-29T12:00:00Z")).isEqualTo("3d");
        assertThat(tables.age("not a time")).isEqualTo("<invalid>");
    }
}
