package io.d2iq.kubetunnel.webhook;

import static io.d2iq.kubetunnel.webhook.WebhookFixture.EAST_TOKEN;
import static io.d2iq.kubetunnel.webhook.WebhookFixture.WEST_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.tunnel.support.IdleConnections;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook port against requests without the token, slow request heads and floods of connections that never authenticate. */
class KubeconfigWebhookAbuseIT {

    /** The body a request announces and never sends: the most the webhook would aggregate. */
    static final int ANNOUNCED_BODY = RegistrationHandler.MAX_BODY_BYTES;
    /** Well under the pre-authentication deadline: an answer this soon comes from the head alone. */
    static final int ANSWER_WITHIN_MILLIS = 5_000;

    private WebhookFixture webhook;

    @BeforeEach
    void startWebhook() throws Exception {
        webhook = WebhookFixture.start();
    }

    @AfterEach
    void stopWebhook() {
        webhook.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bearer 0c6d2b1e-not-a-token", "Bearer " + WEST_TOKEN, "Basic " + EAST_TOKEN})
    void aRequestWithoutThisConnectorsTokenGets401FromItsHeadBeforeItsBodyIsRead(String authorization)
            throws Exception {
        String head = "POST /fleet/east/kubeconfig HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/yaml\r\n"
                + "Content-Length: " + ANNOUNCED_BODY + "\r\n"
                + (authorization.isEmpty() ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), webhook.port())) {
            socket.setSoTimeout(ANSWER_WITHIN_MILLIS);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response)
                    .startsWith("HTTP/1.1 401")
                    .containsIgnoringCase("WWW-Authenticate: Bearer")
                    .contains("\"reason\":\"Unauthorized\"");
        }
        assertThat(webhook.holdsKubeconfig())
                .as("nothing written into the Secret the controller created")
                .isFalse();
    }

    @Test
    void aClientTricklingItsRequestHeadIsClosedAtTheDeadlineFromAccept() throws Exception {
        byte[] head = ("POST / HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + EAST_TOKEN + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (IdleConnections slow = IdleConnections.open(new InetSocketAddress("127.0.0.1", webhook.port()), 1)) {
            long acceptedNanos = System.nanoTime();
            int[] sent = {0};
            trickle.scheduleAtFixedRate(() -> slow.sendOneByte(head[sent[0]++]), 0, 2, TimeUnit.SECONDS);
            await().atMost(ConnectionLimits.HANDSHAKE_DEADLINE.plusSeconds(3)).until(() -> slow.closedByServer() == 1);
            assertThat(Duration.ofNanos(System.nanoTime() - acceptedNanos))
                    .isGreaterThanOrEqualTo(ConnectionLimits.HANDSHAKE_DEADLINE.minusMillis(100));
            assertThat(sent[0]).as("bytes trickled before the deadline").isGreaterThanOrEqualTo(5);
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void connectionsBeyondTheUnauthenticatedCapAreClosedAtOnceAndRegistrationWorksOnceTheyAreGone() throws Exception {
        int beyond = 4;
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", webhook.port());
        try (IdleConnections idle =
                IdleConnections.open(address, ConnectionLimits.MAX_UNAUTHENTICATED_CONNECTIONS + beyond)) {
            await().atMost(Duration.ofSeconds(3)).until(() -> idle.closedByServer() >= beyond);
            assertThat(idle.closedByServer()).isEqualTo(beyond);
        }
        byte[] kubeconfig = Kubeconfig.forServiceAccount(
                        "https://10.96.0.1:443", TestCertificates.selfSigned().certificatePemBytes(), "t")
                .toYamlBytes();
        await().untilAsserted(() -> assertThat(
                        webhook.post("/", "Bearer " + EAST_TOKEN, kubeconfig).statusCode())
                .isEqualTo(200));
    }
}
