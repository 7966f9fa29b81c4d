package io.d2iq.kubetunnel.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.d2iq.kubetunnel.status.TunnelServerReport;
import io.d2iq.kubetunnel.status.WebhookReport;
import io.d2iq.kubetunnel.webhook.WebhookReply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.CamelContext;
import org.apache.camel.component.jackson.JacksonDataFormat;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code /status} contracts written the way each component writes them (the tunnel-server's route
 * marshals its report with Camel's Jackson data format, the webhook with {@link WebhookReply}) and read by
 * the controller's {@link ComponentStatusClient} over HTTP: a field renamed on one side fails here.
 */
class StatusReportsRoundTripTest {

    /** The body each component's /status answers, by Service name; none: 404. */
    private final Map<String, String> bodies = new ConcurrentHashMap<>();

    private final Map<String, HttpServer> servers = new ConcurrentHashMap<>();
    private ComponentStatusClient client;

    @BeforeEach
    void serveStatusBodies() throws IOException {
        for (String service : new String[] {"c1-tunnel-server", "c1-kubeconfig-webhook"}) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/status", exchange -> {
                byte[] body = bodies.getOrDefault(service, "").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(body.length == 0 ? 404 : 200, body.length == 0 ? -1 : body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            servers.put(service, server);
        }
        client = new ComponentStatusClient((namespace, service, port) -> URI.create(
                "http://127.0.0.1:" + servers.get(service).getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        servers.values().forEach(server -> server.stop(0));
    }

    @Test
    void aConnectedAgentReportedByTheTunnelServerReadsAsConnected() throws Exception {
        bodies.put(
                "c1-tunnel-server",
                marshalledByTheRoute(
                        new TunnelServerReport(true, "2026-12-02T12:00:00Z", "10.0.0.7:41234", "0.1.0", 3)));

        assertThat(client.agentConnected("ns", "c1")).isTrue();
    }

    @Test
    void noAgentReadsAsNotConnected() throws Exception {
        bodies.put("c1-tunnel-server", marshalledByTheRoute(TunnelServerReport.NO_AGENT));

        assertThat(client.agentConnected("ns", "c1")).isFalse();
    }

    @Test
    void aRejectedKubeconfigReportedByTheWebhookReadsAsTheConnectorsProblem() {
        bodies.put(
                "c1-kubeconfig-webhook",
                WebhookReply.of(
                                200,
                                new WebhookReport(
                                        false,
                                        null,
                                        new WebhookReport.RegistrationError(
                                                WebhookReport.KUBECONFIG_INVALID, "users[0].user.exec is not allowed")))
                        .json());

        assertThat(client.registrationError("ns", "c1")).hasValueSatisfying(problem -> {
            assertThat(problem.reason()).isEqualTo(WebhookReport.KUBECONFIG_INVALID);
            assertThat(problem.message()).isEqualTo("users[0].user.exec is not allowed");
        });
    }

    @Test
    void aRegistrationWithoutErrorReadsAsNoProblem() {
        bodies.put(
                "c1-kubeconfig-webhook",
                WebhookReply.of(200, new WebhookReport(true, "2026-12-02T12:00:00Z", null))
                        .json());

        assertThat(client.registrationError("ns", "c1")).isEmpty();
    }

    @Test
    void fieldsANewerComponentAddsAreIgnored() {
        bodies.put("c1-tunnel-server", "{\"agentConnected\":true,\"streamsOpen\":1,\"addedLater\":{\"x\":1}}");

        assertThat(client.agentConnected("ns", "c1")).isTrue();
    }

    /** What the tunnel-server's status-get route does: {@code marshal: json: library: Jackson}. */
    private static String marshalledByTheRoute(Object report) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.start();
            JacksonDataFormat json = new JacksonDataFormat();
            json.setCamelContext(camel);
            json.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            json.marshal(new DefaultExchange(camel), report, out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
