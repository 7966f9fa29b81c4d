package io.d2iq.kubetunnel.tunnel.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.d2iq.kubetunnel.tunnel.support.RawHttp;
import io.d2iq.kubetunnel.tunnel.support.SanCertificate;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TestTarget;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real clients (curl) and raw ones through the proxy port, to an HTTPS server behind the agent. */
class ProxyPortIT {

    static final String BODY = "hello through the tunnel";

    @TempDir
    static Path dir;

    static TunnelFixture tunnel;
    static HttpsServer https;
    static SanCertificate httpsCertificate;
    static TestTarget refusing;

    @BeforeAll
    static void start() throws Exception {
        httpsCertificate = SanCertificate.create(dir);
        https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext(httpsCertificate)));
        https.createContext("/", exchange -> {
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        https.start();
        refusing = TestTarget.echo();
        refusing.close();
        tunnel = new TunnelFixture(dir, true);
        tunnel.startServer();
        tunnel.startAgent(List.of("localhost:" + https.getAddress().getPort(), refusing.address()));
        tunnel.awaitConnected();
    }

    @AfterAll
    static void stop() {
        tunnel.close();
        https.stop(0);
    }

    private static SSLContext serverContext(SanCertificate certificate) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(
                "server", certificate.keyPair().getPrivate(), new char[0], new Certificate[] {certificate.certificate()
                });
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    private static Result curl(String... proxyArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "curl",
                "--silent",
                "--show-error",
                "--max-time",
                "20",
                "--cacert",
                httpsCertificate.certificateFile().toString()));
        command.addAll(List.of(proxyArgs));
        command.add("https://localhost:" + https.getAddress().getPort() + "/");
        Process process = new ProcessBuilder(command).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(
                process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    record Result(int exit, String out, String err) {}

    @Test
    void curlThroughSocks5WithTheNameResolvedByTheAgent() throws Exception {
        Result result = curl("--socks5-hostname", "127.0.0.1:" + tunnel.proxy().getPort());
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo(BODY);
    }

    @Test
    void curlThroughHttpConnect() throws Exception {
        Result result = curl("-p", "-x", "http://127.0.0.1:" + tunnel.proxy().getPort());
        assertThat(result.err()).isEmpty();
        assertThat(result.out()).isEqualTo(BODY);
    }

    @Test
    void kubectlFollowsASocks5ProxyUrlThroughTheTunnel() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        java.nio.file.Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: remote
                  cluster:
                    server: https://localhost:%d
                    certificate-authority: %s
                    proxy-url: socks5://127.0.0.1:%d
                users:
                - name: remote
                  user:
                    token: not-needed-by-this-server
                contexts:
                - name: remote
                  context: {cluster: remote, user: remote}
                current-context: remote
                """.formatted(
                        https.getAddress().getPort(),
                        httpsCertificate.certificateFile().toString(),
                        tunnel.proxy().getPort()));
        Process kubectl = new ProcessBuilder(
                        "/usr/bin/kubectl", "--kubeconfig", kubeconfig.toString(), "get", "--raw", "/version")
                .redirectErrorStream(true)
                .start();
        assertThat(kubectl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(BODY);
        assertThat(kubectl.exitValue()).isZero();
    }

    @Test
    void aTargetOffTheAllowListIsRefusedWithSocksCodeNotAllowed() {
        assertThatThrownBy(() -> Socks5Client.connect(tunnel.proxy(), "127.0.0.1", 1))
                .isInstanceOfSatisfying(
                        Socks5Client.Refused.class,
                        refused -> assertThat(refused.reply()).isEqualTo(2));
    }

    @Test
    void aRefusedConnectionComesBackAsSocksCodeConnectionRefused() {
        assertThatThrownBy(() -> Socks5Client.connect(tunnel.proxy(), "127.0.0.1", refusing.port()))
                .isInstanceOfSatisfying(
                        Socks5Client.Refused.class,
                        refused -> assertThat(refused.reply()).isEqualTo(5));
    }

    @Test
    void httpConnectFailuresCarryTheStatusAndTheAgentsReason() throws Exception {
        String notAllowed =
                RawHttp.exchange(null, tunnel.proxy().getPort(), "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(notAllowed).startsWith("HTTP/1.1 403 Forbidden").contains("not on the agent's allow-list");
        String refused = RawHttp.exchange(
                null, tunnel.proxy().getPort(), "CONNECT " + refusing.address() + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(refused).startsWith("HTTP/1.1 502 Bad Gateway").containsIgnoringCase("refused");
        String notConnect = RawHttp.exchange(null, tunnel.proxy().getPort(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(notConnect).startsWith("HTTP/1.1 405");
    }

    @Test
    void garbageOnTheProxyPortClosesThatConnectionOnly() throws Exception {
        try (Socket socket =
                new Socket(InetAddress.getLoopbackAddress(), tunnel.proxy().getPort())) {
            socket.getOutputStream().write(new byte[] {0x16, 3, 1, 0, 5});
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(curl("--socks5-hostname", "127.0.0.1:" + tunnel.proxy().getPort())
                        .out())
                .isEqualTo(BODY);
    }
}
