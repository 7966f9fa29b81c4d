package io.d2iq.kubetunnel.local.runner;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A role the local runner can launch in tests, standing in for the real ones: small and quick to start.
 * <ul>
 * <li>{@code test-server --port P}: HTTP on 127.0.0.1:P with {@code /readyz}, {@code /pid}, {@code /env?NAME},
 *     {@code /file?PATH}, {@code /args}, {@code /kube} (its in-cluster fabric8 config, used to read its namespace's
 *     Secrets) and any other path answered with {@code test-server <path>}.</li>
 * <li>{@code test-job --attempts-file F --succeed-on-attempt N}: counts its runs in F and exits 0 from run N on, else 1.</li>
 * </ul>
 */
public final class TestRole {

    private TestRole() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        if ("test-job".equals(args[0])) {
            Path attempts = Path.of(options.get("--attempts-file"));
            int attempt = Files.exists(attempts)
                    ? Integer.parseInt(Files.readString(attempts).strip()) + 1
                    : 1;
            Files.writeString(attempts, Integer.toString(attempt));
            System.exit(attempt >= Integer.parseInt(options.get("--succeed-on-attempt")) ? 0 : 1);
        }
        HttpServer server =
                HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(options.get("--port"))), 0);
        server.createContext("/", exchange -> answer(exchange, args));
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        System.out.println("test-server listening on " + options.get("--port"));
    }

    private static void answer(HttpExchange exchange, String[] args) throws IOException {
        URI uri = exchange.getRequestURI();
        String query = uri.getQuery();
        String body;
        switch (uri.getPath()) {
            case "/readyz" -> body = "ok";
            case "/pid" -> body = Long.toString(ProcessHandle.current().pid());
            case "/env" -> body = String.valueOf(System.getenv(query));
            case "/file" -> body = Files.readString(Path.of(query));
            case "/args" -> body = String.join(" ", args);
            case "/kube" -> body = kube();
            default -> body = "test-server " + uri.getPath();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String kube() {
        Config config = Config.autoConfigure(null);
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            return config.getMasterUrl() + " " + config.getNamespace() + " "
                    + client.secrets().list().getItems().size();
        }
    }
}
