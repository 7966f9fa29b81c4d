package io.d2iq.kubetunnel.observe;

import io.d2iq.kubetunnel.nettyhttp.GetOnlyHttpServer.Handler;
import io.d2iq.kubetunnel.nettyhttp.GetOnlyHttpServer.Reply;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.util.json.JsonArray;
import org.apache.camel.util.json.JsonObject;

/**
 * The answers of a management port: {@code /observe/health} (all checks), {@code /observe/health/live},
 * {@code /observe/health/ready} and {@code /observe/metrics}, in the formats camel-platform-http-main gives them
 * (the same JSON, parameters {@code exposureLevel}, {@code data} and {@code stackTrace}, 503 while DOWN; the
 * Prometheus text format, OpenMetrics when the scraper asks for it).
 */
final class ManagementPaths implements Handler {

    static final String HEALTH = "/observe/health";
    static final String METRICS = "/observe/metrics";
    private static final String JSON = "application/json";
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final CamelContext camelContext;
    private final PrometheusMeterRegistry registry;

    ManagementPaths(CamelContext camelContext, PrometheusMeterRegistry registry) {
        this.camelContext = camelContext;
        this.registry = registry;
    }

    @Override
    public Reply get(String path, Map<String, List<String>> parameters, String accept) {
        return switch (path) {
            case HEALTH, HEALTH + "/live", HEALTH + "/ready" -> health(path, parameters);
            case METRICS -> metrics(accept);
            default ->
                new Reply(
                        404,
                        JSON,
                        "{\"status\":404,\"paths\":[\"" + HEALTH + "\",\"" + HEALTH + "/live\",\"" + HEALTH
                                + "/ready\",\"" + METRICS + "\"]}");
        };
    }

    private Reply metrics(String accept) {
        String contentType =
                accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS : PROMETHEUS_TEXT;
        return new Reply(200, contentType, registry.scrape(contentType));
    }

    private Reply health(String path, Map<String, List<String>> parameters) {
        String asked = parameter(parameters, "exposureLevel");
        String level =
                asked != null ? asked : HealthCheckRegistry.get(camelContext).getExposureLevel();
        boolean readiness = path.endsWith("/ready");
        Collection<HealthCheck.Result> results = path.endsWith("/live")
                ? HealthCheckHelper.invokeLiveness(camelContext, level)
                : readiness
                        ? HealthCheckHelper.invokeReadiness(camelContext, level)
                        : HealthCheckHelper.invoke(camelContext, level);
        boolean up = HealthCheckHelper.isResultsUp(results, readiness);
        JsonObject root = new JsonObject();
        root.put("status", up ? "UP" : "DOWN");
        if (!"oneline".equals(level)) {
            // "full" lists every check, the default level only those DOWN
            List<HealthCheck.Result> shown = new ArrayList<>();
            for (HealthCheck.Result result : results) {
                if ("full".equals(level) || result.getState() == HealthCheck.State.DOWN) {
                    shown.add(result);
                }
            }
            if (!shown.isEmpty()) {
                JsonArray checks = new JsonArray();
                boolean stackTrace = "true".equals(parameter(parameters, "stackTrace"));
                boolean data = "true".equals(parameter(parameters, "data"));
                shown.forEach(result -> checks.add(check(result, level, stackTrace, data)));
                root.put("checks", checks);
            }
        }
        return new Reply(up ? 200 : 503, JSON, root.toJson());
    }

    private static JsonObject check(HealthCheck.Result result, String level, boolean stackTrace, boolean data) {
        JsonObject check = new JsonObject();
        check.put("name", result.getCheck().getId());
        check.put("status", result.getState().name());
        result.getError().filter(e -> "full".equals(level) || stackTrace).ifPresent(e -> {
            check.put("error-message", causes(e));
            if (stackTrace) {
                check.put("error-stacktrace", stackTrace(e));
            }
        });
        result.getMessage().ifPresent(message -> check.put("message", message));
        if (data && result.getDetails() != null && !result.getDetails().isEmpty()) {
            JsonObject details = new JsonObject();
            new TreeMap<>(result.getDetails()).forEach((k, v) -> details.put(k, v == null ? "" : v.toString()));
            check.put("data", details);
        }
        return check;
    }

    private static String causes(Throwable error) {
        StringBuilder messages = new StringBuilder(String.valueOf(error.getMessage()));
        for (Throwable cause = error.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                messages.append("; Caused by: ")
                        .append(cause.getClass().getName())
                        .append(": ")
                        .append(cause.getMessage());
            }
        }
        return messages.toString();
    }

    private static String stackTrace(Throwable error) {
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        return trace.toString();
    }

    private static String parameter(Map<String, List<String>> parameters, String name) {
        List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
