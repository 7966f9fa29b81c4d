package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What our layer answers at the HTTP level, for the requests the mock alone would mishandle. */
class LocalApiHttpIT {

    @RegisterExtension
    static final LocalApiExtension API = LocalApiExtension.plain();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONNECTORS = "/apis/kubetunnel.d2iq.io/v1alpha1/namespaces/http/tunnelconnectors";

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void installCrdsAndOneConnector() throws IOException {
        Path crd = KubectlAcceptanceTests.CRDS.resolve("tunnelconnectors.kubetunnel.d2iq.io-v1.yml");
        API.client().load(Files.newInputStream(crd)).create();
        API.client()
                .load(new java.io.ByteArrayInputStream(KubectlAcceptanceTests.connector("http", "existing", "1080")
                        .getBytes(StandardCharsets.UTF_8)))
                .create();
    }

    @Test
    void serverSideApplyIsRefusedWith415Status() throws Exception {
        HttpResponse<String> response =
                send("PATCH", CONNECTORS + "/existing?fieldManager=x", "application/apply-patch+yaml", "spec: {}");

        assertStatus(response, 415, "UnsupportedMediaType", "server-side apply");
    }

    @Test
    void strategicMergeWithAListOnACustomResourceIsRefusedButWithoutListsItIsAMerge() throws Exception {
        HttpResponse<String> withList = send(
                "PATCH",
                CONNECTORS + "/existing",
                "application/strategic-merge-patch+json",
                "{\"metadata\":{\"finalizers\":[\"a\"]}}");
        assertStatus(withList, 415, "UnsupportedMediaType", "strategic merge");

        HttpResponse<String> plain = send(
                "PATCH",
                CONNECTORS + "/existing",
                "application/strategic-merge-patch+json",
                "{\"metadata\":{\"labels\":{\"tier\":\"edge\"}}}");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(plain.body())
                        .path("metadata")
                        .path("labels")
                        .path("tier")
                        .asText())
                .isEqualTo("edge");
    }

    @Test
    void jsonPatchIsValidatedBeforeItIsApplied() throws Exception {
        HttpResponse<String> response = send(
                "PATCH",
                CONNECTORS + "/existing",
                "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/spec/proxyPort\",\"value\":70000}]");

        assertStatus(response, 422, "Invalid", "spec.proxyPort");
        assertThat(JSON.readTree(response.body())
                        .path("details")
                        .path("causes")
                        .get(0)
                        .path("field")
                        .asText())
                .isEqualTo("spec.proxyPort");
    }

    @Test
    void jsonPatchThatCannotApplyIsA422Status() throws Exception {
        HttpResponse<String> response = send(
                "PATCH",
                CONNECTORS + "/existing",
                "application/json-patch+json",
                "[{\"op\":\"test\",\"path\":\"/spec/proxyPort\",\"value\":1}]");

        assertStatus(response, 422, "Invalid", "cannot be applied");
    }

    @Test
    void protobufBodiesAreRefusedWith415() throws Exception {
        HttpResponse<String> response =
                send("POST", "/api/v1/namespaces", "application/vnd.kubernetes.protobuf", "k8s");

        assertStatus(response, 415, "UnsupportedMediaType", "JSON");
    }

    @Test
    void dryRunIsRefusedRatherThanPersisted() throws Exception {
        HttpResponse<String> response = send(
                "POST",
                CONNECTORS + "?dryRun=All",
                "application/json",
                JSON.writeValueAsString(
                        JSON.readTree("{\"apiVersion\":\"kubetunnel.d2iq.io/v1alpha1\",\"kind\":\"TunnelConnector\","
                                + "\"metadata\":{\"name\":\"dry\",\"namespace\":\"http\"}}")));

        assertStatus(response, 400, "BadRequest", "dry-run");
        assertThat(send("GET", CONNECTORS + "/dry", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void missingObjectIsA404NotFoundStatus() throws Exception {
        HttpResponse<String> response = send("GET", CONNECTORS + "/nobody", null, null);

        assertStatus(response, 404, "NotFound", "tunnelconnectors \"nobody\" not found");
    }

    @Test
    void malformedJsonIsA400Status() throws Exception {
        assertStatus(send("POST", CONNECTORS, "application/json", "{not json"), 400, "BadRequest", "not valid JSON");
    }

    @Test
    void openApiV2IsProtobufWhenAskedForAndJsonOtherwise() throws Exception {
        HttpResponse<byte[]> protobuf = http.send(
                request("/openapi/v2")
                        .header("Accept", "application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(protobuf.headers().firstValue("Content-Type")).hasValue(OpenApi.V2_PROTOBUF);
        // field 1 (swagger), length 3, "2.0"
        assertThat(protobuf.body()).startsWith(0x0a, 0x03, '2', '.', '0');

        HttpResponse<String> json = send("GET", "/openapi/v2", null, null);
        assertThat(JSON.readTree(json.body()).path("swagger").asText()).isEqualTo("2.0");
    }

    @Test
    void openApiV3OffersServerSideFieldValidationForCrdKinds() throws Exception {
        JsonNode index = JSON.readTree(send("GET", "/openapi/v3", null, null).body());
        String url = index.path("paths")
                .path("apis/kubetunnel.d2iq.io/v1alpha1")
                .path("serverRelativeURL")
                .asText();
        assertThat(url).startsWith("/openapi/v3/apis/kubetunnel.d2iq.io/v1alpha1?hash=");

        JsonNode document = JSON.readTree(send("GET", url, null, null).body());
        JsonNode patch = document.path("paths")
                .path("/apis/kubetunnel.d2iq.io/v1alpha1/namespaces/{namespace}/tunnelconnectors/{name}")
                .path("patch");
        assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText())
                .isEqualTo("TunnelConnector");
        assertThat(patch.path("parameters").get(0).path("name").asText()).isEqualTo("fieldValidation");
    }

    @Test
    void watchOneStreamsChunkedEventsAndEndsAtTimeoutSeconds() throws Exception {
        HttpResponse<InputStream> response = http.send(
                request(CONNECTORS + "?watch=1&timeoutSeconds=3").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> lines = new ArrayList<>();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                reader.lines().forEach(lines::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        ended.get(Kubectl.TIMEOUT_SECONDS, TimeUnit.SECONDS);

        assertThat(lines)
                .isNotEmpty()
                .allSatisfy(line ->
                        assertThat(JSON.readTree(line).path("type").asText()).isEqualTo("ADDED"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"name\":\"existing\""));
    }

    private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
        HttpRequest.Builder request = request(path)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(API.api().url() + path))
                .timeout(Duration.ofSeconds(Kubectl.TIMEOUT_SECONDS));
    }

    private static void assertStatus(HttpResponse<String> response, int code, String reason, String messagePart)
            throws IOException {
        assertThat(response.statusCode()).isEqualTo(code);
        JsonNode status = JSON.readTree(response.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("code").asInt()).isEqualTo(code);
        assertThat(status.path("reason").asText()).isEqualTo(reason);
        assertThat(status.path("message").asText()).contains(messagePart);
    }
}
