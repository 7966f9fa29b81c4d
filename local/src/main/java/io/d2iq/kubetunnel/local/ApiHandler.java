package io.d2iq.kubetunnel.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.fabric8.zjsonpatch.JsonPatchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our layer in front of the mock: answers discovery and OpenAPI itself, bridges watches, validates custom
 * resources, refuses what the mock cannot do (415/400 with a Status), forwards the rest and turns any failure
 * into a 500 Status rather than a hung request.
 */
final class ApiHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    /** How long a watch lasts when the client names no timeoutSeconds; clients re-watch after it. */
    static final Duration DEFAULT_WATCH_TIMEOUT = Duration.ofMinutes(30);

    private static final String[] LIST_PARAMETERS = {"labelSelector", "fieldSelector"};

    private final MockBackend mock;
    private final StoredCrds crds;
    private final Discovery discovery;
    private final OpenApi openApi;
    private final WatchBridge watches;
    private final CustomResourceValidator validator = new CustomResourceValidator();
    private final Tables tables = new Tables(Clock.systemUTC());

    ApiHandler(MockBackend mock, WatchBridge watches) {
        this.mock = mock;
        this.crds = new StoredCrds(mock);
        this.discovery = new Discovery(crds);
        this.openApi = new OpenApi(discovery, crds);
        this.watches = watches;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            LocalResponse response;
            try {
                response = answer(exchange);
            } catch (JsonProcessingException e) {
                response = LocalResponse.failure(
                        400, "BadRequest", "request body is not valid JSON: " + e.getOriginalMessage());
            } catch (JsonPatchException e) {
                response = LocalResponse.failure(422, "Invalid", "the JSON patch cannot be applied: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                response = LocalResponse.failure(500, "InternalError", "interrupted");
            } catch (RuntimeException | IOException e) {
                LOG.warn(
                        "{} {} failed: {}",
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        e.toString());
                response = LocalResponse.failure(500, "InternalError", "local-api: " + e);
            }
            if (response != null) {
                write(exchange, response);
            }
        }
    }

    /** The response to write, or null when the request was already answered (a watch). */
    private LocalResponse answer(HttpExchange exchange) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Query query = Query.parse(exchange.getRequestURI().getRawQuery());
        if (method.equals("GET")) {
            String document = discovery.answer(path);
            if (document != null) {
                return LocalResponse.json(200, document);
            }
            LocalResponse openApiDocument =
                    openApi.answer(path, exchange.getRequestHeaders().getFirst("Accept"));
            if (openApiDocument != null) {
                return openApiDocument;
            }
        }
        ApiPath resource = ApiPath.parse(path);
        if (resource == null) {
            return LocalResponse.failure(404, "NotFound", "the server could not find the requested resource " + path);
        }
        if ("websocket".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Upgrade"))) {
            // fabric8 tries a WebSocket watch first; a plain 200 (not a 5xx, which it retries with backoff)
            // makes it fall back at once to the HTTP watch we serve
            return LocalResponse.json(
                    200,
                    ApiStatus.failure(
                            200, "WebSocketNotSupported", "local-api serves watches over HTTP, not WebSocket"));
        }
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (method.equals("GET") && query.isWatch()) {
            watch(exchange, path, query, renderer(resource, accept));
            return null;
        }
        if (query.has("dryRun")) {
            return LocalResponse.failure(
                    400, "BadRequest", "local-api does not support dry-run (the mock would persist the object)");
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null && (contentType.contains("protobuf") || contentType.contains("cbor"))) {
            return unsupported("local-api accepts JSON bodies only, not " + contentType
                    + " (imperative kubectl create sends protobuf: use kubectl apply -f)");
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (ScaleSubresource.isScale(resource)) {
            return scale(method, path, resource, body, contentType);
        }
        if (method.equals("GET")) {
            return get(path, query, renderer(resource, accept));
        }
        try {
            return switch (method) {
                case "POST", "PUT" -> write(method, path, resource, body);
                case "PATCH" -> patch(path, resource, body, contentType);
                case "DELETE" -> delete(path, query, resource);
                default -> LocalResponse.failure(405, "MethodNotAllowed", "method " + method + " is not supported");
            };
        } finally {
            if (path.startsWith(StoredCrds.CRD_PATH)) {
                crds.changed();
            }
        }
    }

    /** Tables for custom resources when kubectl asks for them; built-in kinds stay objects (kubectl prints Name and Age). */
    private UnaryOperator<JsonNode> renderer(ApiPath resource, String accept) throws IOException, InterruptedException {
        if (!Tables.wanted(accept)) {
            return UnaryOperator.identity();
        }
        Optional<StoredCrds.Version> crd = crds.find(resource);
        return crd.isEmpty()
                ? UnaryOperator.identity()
                : object -> tables.of(object, crd.get().printerColumns());
    }

    private void watch(HttpExchange exchange, String path, Query query, UnaryOperator<JsonNode> render)
            throws IOException {
        Duration timeout = query.has("timeoutSeconds")
                ? Duration.ofSeconds(ResourceVersions.parse(query.get("timeoutSeconds")))
                : DEFAULT_WATCH_TIMEOUT;
        String mockQuery = query.keep(LIST_PARAMETERS);
        watches.serve(
                exchange,
                path + mockQuery + (mockQuery.isEmpty() ? "?" : "&") + "watch=true",
                ResourceVersions.parse(query.get("resourceVersion")),
                timeout,
                render);
    }

    /** GET of an object or a list; a list gets the resourceVersion the mock leaves out, so that watches resume from it. */
    private LocalResponse get(String path, Query query, UnaryOperator<JsonNode> render)
            throws IOException, InterruptedException {
        MockBackend.Reply reply = mock.send("GET", path + query.keep("labelSelector"), null, new byte[0]);
        if (reply.status() != 200 || reply.body().isEmpty()) {
            return fromMock(reply, ApiPath.parse(path));
        }
        JsonNode node = ApiStatus.JSON.readTree(reply.body());
        FieldSelector fields = FieldSelector.parse(query.get("fieldSelector"));
        if (!fields.isEmpty() && node.path("items").isArray()) {
            ((ArrayNode) node.path("items")).removeIf(item -> !fields.matches(item));
        }
        if ("List".equals(node.path("kind").asText())) {
            // the mock answers kind List; typed clients (kubectl describe's Event search) decode only <Kind>List
            Optional<ResourceType> type = discovery.type(ApiPath.parse(path));
            if (type.isPresent()) {
                ((ObjectNode) node).put("kind", type.get().kind() + "List");
            }
        }
        if (node.has("items")) {
            long newest = 0;
            for (JsonNode item : node.path("items")) {
                newest = Math.max(newest, ResourceVersions.of(item));
            }
            ObjectNode metadata = node.path("metadata").isObject()
                    ? (ObjectNode) node.path("metadata")
                    : ((ObjectNode) node).putObject("metadata");
            metadata.put("resourceVersion", Long.toString(newest));
        }
        return LocalResponse.json(200, render.apply(node).toString());
    }

    private LocalResponse write(String method, String path, ApiPath resource, byte[] body)
            throws IOException, InterruptedException {
        JsonNode object = ApiStatus.JSON.readTree(body);
        Optional<LocalResponse> invalid = validate(resource, object);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        return fromMock(mock.send(method, path, "application/json", body), resource);
    }

    private LocalResponse patch(String path, ApiPath resource, byte[] body, String contentType)
            throws IOException, InterruptedException {
        Patches.Type type = Patches.of(contentType);
        if (type == Patches.Type.APPLY) {
            return unsupported("server-side apply (" + contentType
                    + ") is not supported by local-api; use client-side kubectl apply");
        }
        if (type == Patches.Type.UNSUPPORTED) {
            return unsupported("patch content type " + contentType + " is not supported");
        }
        JsonNode patch = ApiStatus.JSON.readTree(body);
        boolean strategic = type == Patches.Type.STRATEGIC_MERGE && !Patches.isPlainMerge(patch);
        if (strategic && crds.find(resource).isPresent()) {
            // custom resources have no patch merge keys; the real API server refuses these too
            return unsupported(
                    "strategic merge patches are not supported for custom resources; use --type=merge or --type=json");
        }
        String objectPath = resource.isStatus() ? path.substring(0, path.length() - "/status".length()) : path;
        String current = mock.get(objectPath);
        if (current == null) {
            return LocalResponse.json(404, ApiStatus.notFound(resource));
        }
        JsonNode patched = Patches.apply(type, ApiStatus.JSON.readTree(current), patch);
        Optional<LocalResponse> invalid = validate(resource, patched);
        if (invalid.isPresent()) {
            return invalid.get();
        }
        if (strategic) {
            // the mock knows no strategic merge: store the object we merged, guarded by the version we merged into
            return fromMock(
                    mock.send(
                            "PUT", path, "application/json", patched.toString().getBytes(StandardCharsets.UTF_8)),
                    resource);
        }
        String mockType = type == Patches.Type.JSON_PATCH ? "application/json-patch+json" : Patches.MERGE_PATCH;
        MockBackend.Reply reply = mock.send("PATCH", path, mockType, body);
        // the real server answers a successful patch 200, the mock 202
        return fromMock(reply.status() == 202 ? new MockBackend.Reply(200, reply.body()) : reply, resource);
    }

    /** GET, PUT or PATCH of a workload's Scale, stored as the workload's {@code spec.replicas}. */
    private LocalResponse scale(String method, String path, ApiPath resource, byte[] body, String contentType)
            throws IOException, InterruptedException {
        String objectPath = ScaleSubresource.objectPath(path);
        String current = mock.get(objectPath);
        if (current == null) {
            return LocalResponse.json(404, ApiStatus.notFound(resource));
        }
        JsonNode scale = ScaleSubresource.of(ApiStatus.JSON.readTree(current));
        JsonNode wanted;
        switch (method) {
            case "GET" -> {
                return LocalResponse.json(200, scale.toString());
            }
            case "PUT" -> wanted = ApiStatus.JSON.readTree(body);
            case "PATCH" -> {
                Patches.Type type = Patches.of(contentType);
                if (type == Patches.Type.APPLY || type == Patches.Type.UNSUPPORTED) {
                    return unsupported("patch content type " + contentType + " is not supported for scale");
                }
                wanted = Patches.apply(type, scale, ApiStatus.JSON.readTree(body));
            }
            default -> {
                return LocalResponse.failure(
                        405, "MethodNotAllowed", "method " + method + " is not supported for scale");
            }
        }
        byte[] replicas;
        try {
            replicas = ScaleSubresource.replicasPatch(wanted).toString().getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return LocalResponse.failure(422, "Invalid", e.getMessage());
        }
        MockBackend.Reply reply = mock.send("PATCH", objectPath, Patches.MERGE_PATCH, replicas);
        if (reply.status() >= 300) {
            return fromMock(reply, resource);
        }
        return LocalResponse.json(
                200, ScaleSubresource.of(ApiStatus.JSON.readTree(reply.body())).toString());
    }

    /**
     * The real server answers a delete with the deleted object; the mock answers with nothing. A collection
     * delete keeps its label and field selectors: without them it would delete every object of the kind.
     */
    private LocalResponse delete(String path, Query query, ApiPath resource) throws IOException, InterruptedException {
        String existing = resource.isCollection() ? null : mock.get(path);
        String target = resource.isCollection() ? path + query.keep(LIST_PARAMETERS) : path;
        MockBackend.Reply reply = mock.send("DELETE", target, null, new byte[0]);
        if (reply.status() == 200 && existing != null) {
            return LocalResponse.json(200, existing);
        }
        return fromMock(reply, resource);
    }

    private Optional<LocalResponse> validate(ApiPath resource, JsonNode object)
            throws IOException, InterruptedException {
        Optional<StoredCrds.Version> crd = crds.find(resource);
        if (crd.isEmpty()) {
            return Optional.empty();
        }
        List<ApiStatus.Cause> causes = validator.validate(crd.get().schema(), object);
        if (causes.isEmpty()) {
            return Optional.empty();
        }
        String name = object.path("metadata").path("name").asText(resource.name() == null ? "" : resource.name());
        LOG.info("refused invalid {} {}/{}: {}", crd.get().type().kind(), resource.namespace(), name, causes);
        return Optional.of(
                LocalResponse.json(422, ApiStatus.invalid(crd.get().type().kind(), resource.group(), name, causes)));
    }

    private static LocalResponse unsupported(String message) {
        return LocalResponse.failure(415, "UnsupportedMediaType", message);
    }

    /** The mock's answer, with a Status body where the mock sends an empty error. */
    private static LocalResponse fromMock(MockBackend.Reply reply, ApiPath resource) {
        if (reply.status() < 300 || !reply.body().isBlank()) {
            return LocalResponse.json(reply.status(), reply.body());
        }
        return switch (reply.status()) {
            case 404 ->
                LocalResponse.json(
                        404,
                        resource.isCollection()
                                ? ApiStatus.failure(404, "NotFound", "the server could not find the requested resource")
                                : ApiStatus.notFound(resource));
            case 409 -> LocalResponse.failure(409, "AlreadyExists", resource.plural() + " already exists");
            case 415 -> unsupported("the request's content type is not supported");
            default -> LocalResponse.failure(reply.status(), "InternalError", "the mock answered " + reply.status());
        };
    }

    private static void write(HttpExchange exchange, LocalResponse response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        exchange.getResponseBody().write(response.body());
    }
}
