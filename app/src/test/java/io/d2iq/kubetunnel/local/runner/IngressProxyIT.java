package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ingress controller routes HTTPS requests by host and path prefix to Services and relays WebSocket upgrades.
 * Most requests go over raw TLS sockets: the JDK's HttpClient cannot send a Host other than the one it dials.
 */
class IngressProxyIT {

    private static final String HOST = "tunnels.example.com";
    private static final CertificateAuthority CA = CertificateAuthority.generate("ingress-test-ca");

    private static LocalApi api;
    private static KubernetesClient client;
    private static RunnerLoop loop;
    private static IngressController controller;
    private static IngressProxy proxy;
    private static HttpServer serverA;
    private static HttpServer serverB;
    private static WebSocketEchoServer echo;
    private static HttpClient https;

    @BeforeAll
    static void start() throws Exception {
        api = LocalApi.start(false);
        client = api.client();
        serverA = httpServer("a");
        serverB = httpServer("b");
        echo = new WebSocketEchoServer();
        Map<String, InetSocketAddress> services = Map.of(
                "ns/svc-a/http",
                serverA.getAddress(),
                "ns/svc-b/http",
                serverB.getAddress(),
                "ns/svc-ws/tunnel",
                echo.address(),
                "ns/svc-gone/http",
                closedPort());
        loop = new RunnerLoop();
        controller = new IngressController(client, loop);
        proxy = IngressProxy.start(
                CA,
                controller::routes,
                (namespace, service, port) ->
                        Optional.ofNullable(services.get(namespace + "/" + service + "/" + port)));
        controller.start(proxy.port());
        client.network()
                .v1()
                .ingresses()
                .resource(ingress("ns", "root", HOST, "/kt", "svc-a", "http"))
                .create();
        client.network()
                .v1()
                .ingresses()
                .resource(ingress("ns", "webhook", HOST, "/kt/ns/c/kubeconfig", "svc-b", "http"))
                .create();
        // without host, so the JDK's WebSocket client (which sends Host 127.0.0.1) reaches it
        client.network()
                .v1()
                .ingresses()
                .resource(ingress("ns", "tunnel", null, "/kt/ns/c/tunnel-server", "svc-ws", "tunnel"))
                .create();
        client.network()
                .v1()
                .ingresses()
                .resource(ingress("ns", "gone", HOST, "/gone", "svc-gone", "http"))
                .create();
        client.network()
                .v1()
                .ingresses()
                .resource(ingress("ns", "other", "other.example.com", "/kt/other-only", "svc-b", "http"))
                .create();
        client.network()
                .v1()
                .ingresses()
                .resource(ingress("ns", "idle", HOST, "/idle", "svc-none", "http"))
                .create();
        https = HttpClient.newBuilder()
                .sslContext(CA.jdkClientContext())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> controller.routes().match(HOST, "/idle").isPresent());
    }

    @AfterAll
    static void stop() {
        proxy.close();
        loop.close();
        controller.close();
        serverA.stop(0);
        serverB.stop(0);
        echo.close();
        api.close();
    }

    @Test
    void requestsAreRoutedByLongestPathPrefixWithThePathKept() throws Exception {
        assertThat(rawGet(HOST, "/kt/anything?x=1")).endsWith("a GET /kt/anything?x=1 ");
        assertThat(raw(
                        HOST,
                        "POST /kt/ns/c/kubeconfig/register HTTP/1.1\r\nHost: " + HOST + "\r\nContent-Length: 15\r\n"
                                + "Connection: close\r\n\r\nkubeconfig-body"))
                .endsWith("b POST /kt/ns/c/kubeconfig/register kubeconfig-body ");
        assertThat(rawGet(HOST, "/kt/ns/c/kubeconfigX")).endsWith("a GET /kt/ns/c/kubeconfigX ");
        assertThat(rawGet(HOST, "/nowhere"))
                .startsWith("HTTP/1.1 404")
                .contains("no Ingress rule matches host " + HOST + " path /nowhere");
    }

    @Test
    void aHostNoRuleNamesAnswers404AndCloses() throws Exception {
        String response = raw(HOST, "GET /kt HTTP/1.1\r\nHost: unknown.example.com\r\n\r\n");
        assertThat(response)
                .startsWith("HTTP/1.1 404")
                .contains("Connection: close")
                .contains("host unknown.example.com");
    }

    @Test
    void laterRequestsOnAKeptAliveConnectionGoToTheFirstRequestsBackend() throws Exception {
        String response = raw(
                HOST,
                "GET /kt/ns/c/kubeconfig/first HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n"
                        + "GET /kt/second HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n");
        assertThat(response).contains("b GET /kt/ns/c/kubeconfig/first").endsWith("b GET /kt/second ");
    }

    @Test
    void aHundredContinueIsPassedOnAndTheFinalAnswerFollows() throws Exception {
        String response = raw(
                HOST,
                "POST /kt/ns/c/kubeconfig HTTP/1.1\r\nHost: " + HOST + "\r\nExpect: 100-continue\r\n"
                        + "Content-Length: 4\r\nConnection: close\r\n\r\nbody");
        assertThat(response)
                .startsWith("HTTP/1.1 100 Continue")
                .contains("HTTP/1.1 200 OK")
                .endsWith("b POST /kt/ns/c/kubeconfig body ");
    }

    @Test
    void aServiceWithoutARunningWorkloadAnswers503() throws Exception {
        assertThat(rawGet(HOST, "/idle")).startsWith("HTTP/1.1 503").contains("ns/svc-none");
    }

    @Test
    void aBackendRefusingTheConnectionAnswers502() throws Exception {
        assertThat(rawGet(HOST, "/gone")).startsWith("HTTP/1.1 502").contains("not reachable");
    }

    @Test
    void theHostHeaderPicksTheRuleAndSniPicksACertificateForThatHost() throws Exception {
        assertThat(rawGet("other.example.com", "/kt/other-only/x")).endsWith("b GET /kt/other-only/x ");
        assertThat(rawGet(HOST, "/kt/other-only/x")).endsWith("a GET /kt/other-only/x ");
        assertThat(rawGet("other.example.com", "/kt/x")).startsWith("HTTP/1.1 404");
    }

    @Test
    void everyIngressStatusNamesTheProxyAddress() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Ingress ingress = client.network()
                    .v1()
                    .ingresses()
                    .inNamespace("ns")
                    .withName("tunnel")
                    .get();
            List<IngressLoadBalancerIngress> addresses =
                    ingress.getStatus().getLoadBalancer().getIngress();
            assertThat(addresses).singleElement().satisfies(address -> {
                assertThat(address.getIp()).isEqualTo("127.0.0.1");
                assertThat(address.getPorts()).singleElement().satisfies(port -> {
                    assertThat(port.getPort()).isEqualTo(proxy.port());
                    assertThat(port.getProtocol()).isEqualTo("TCP");
                });
            });
        });
    }

    @Test
    void aWebSocketUpgradeIsRelayedBothWays() throws Exception {
        CompletableFuture<String> received = new CompletableFuture<>();
        StringBuilder text = new StringBuilder();
        WebSocket socket = https.newWebSocketBuilder()
                .buildAsync(
                        URI.create("wss://127.0.0.1:" + proxy.port() + "/kt/ns/c/tunnel-server"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    received.complete(text.toString());
                                }
                                webSocket.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        String large = "x".repeat(200_000);
        socket.sendText(large, true).get(10, TimeUnit.SECONDS);
        String echoed = received.get(10, TimeUnit.SECONDS);
        // compared as a boolean: a failure message with 200 kB of text helps nobody
        assertThat(echoed.equals("echo: " + large))
                .as("echo of %d characters, got %d", large.length(), echoed.length())
                .isTrue();
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    /** An address nothing listens on. */
    private static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }
    }

    /** One GET over TLS with SNI and a certificate check for {@code host}; the whole response. */
    private static String rawGet(String host, String path)
            throws IOException, java.security.cert.CertificateParsingException {
        return raw(host, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    /** One raw HTTP/1.1 exchange over TLS with SNI and a certificate check for {@code host}; the whole response. */
    private static String raw(String host, String request)
            throws IOException, java.security.cert.CertificateParsingException {
        try (SSLSocket socket =
                (SSLSocket) CA.jdkClientContext().getSocketFactory().createSocket("127.0.0.1", proxy.port())) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(host)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            // the certificate must be valid for the requested host
            String subjectAlternativeNames = String.valueOf(
                    ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                            .getSubjectAlternativeNames());
            assertThat(subjectAlternativeNames).contains(host);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            StringBuilder response = new StringBuilder();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                response.append(line).append('\n');
            }
            return response.toString().strip() + " ";
        }
    }

    private static Ingress ingress(String ns, String name, String host, String path, String service, String port) {
        return new IngressBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewRule()
                .withHost(host)
                .withNewHttp()
                .addNewPath()
                .withPath(path)
                .withPathType("Prefix")
                .withNewBackend()
                .withNewService()
                .withName(service)
                .withNewPort()
                .withName(port)
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec()
                .build();
    }

    /** Answers "{name} {method} {path?query} {body}". */
    private static HttpServer httpServer(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] answer = (name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + body)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        return server;
    }
}
