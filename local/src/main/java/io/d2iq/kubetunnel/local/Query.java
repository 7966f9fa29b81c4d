package io.d2iq.kubetunnel.local;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The query parameters of one request. */
record Query(Map<String, String> parameters) {

    static Query parse(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                int equals = pair.indexOf('=');
                String key = decode(equals < 0 ? pair : pair.substring(0, equals));
                parameters.put(key, equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        return new Query(parameters);
    }

    String get(String key) {
        return parameters.get(key);
    }

    boolean has(String key) {
        return parameters.containsKey(key);
    }

    /** {@code watch=true} or {@code watch=1}, as client-go and older kubectl send it. */
    boolean isWatch() {
        String watch = parameters.get("watch");
        return "true".equalsIgnoreCase(watch) || "1".equals(watch);
    }

    /** {@code ?k=v&...} with only the given keys (those the mock understands), or "" when none is present. */
    String keep(String... keys) {
        StringBuilder kept = new StringBuilder();
        for (String key : keys) {
            String value = parameters.get(key);
            if (value != null) {
                kept.append(kept.length() == 0 ? '?' : '&')
                        .append(key)
                        .append('=')
                        .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
        return kept.toString();
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
