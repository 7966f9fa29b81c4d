package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ArgRewriterTest {

    private final ArgRewriter rewriter = new ArgRewriter(
            Map.of(
                    "/var/run/kubetunnel/connector-token",
                    Path.of("/tmp/pod/volumes/token"),
                    "/var/run",
                    Path.of("/tmp/pod/volumes/run")),
            Map.of(8443, 40001, 1080, 40002));

    @Test
    void pathsUnderAMountPathPointIntoItsLocalDirectoryWithTheLongestMountWinning() {
        assertThat(rewriter.rewrite(List.of(
                        "tunnel-server",
                        "--token-file",
                        "/var/run/kubetunnel/connector-token/token",
                        "--other",
                        "/var/run/x",
                        "--kept",
                        "/var/running")))
                .containsExactly(
                        "tunnel-server",
                        "--token-file",
                        "/tmp/pod/volumes/token/token",
                        "--other",
                        "/tmp/pod/volumes/run/x",
                        "--kept",
                        "/var/running");
    }

    @Test
    void portFlagsNamingAContainerPortGetTheLocalPortInBothForms() {
        assertThat(rewriter.rewrite(List.of("tunnel-server", "--port", "8443", "--proxy-port=1080")))
                .containsExactly("tunnel-server", "--port", "40001", "--proxy-port=40002");
    }

    @Test
    void aPortFlagForAPortTheContainerDoesNotExposeIsKept() {
        // the webhook's --proxy-port names the tunnel server's port, which is not the webhook's own
        ArgRewriter webhook = new ArgRewriter(Map.of(), Map.of(8443, 40001));
        assertThat(webhook.rewrite(
                        List.of("kubeconfig-webhook", "--port", "8443", "--proxy-port", "1080", "--count", "8443")))
                .containsExactly("kubeconfig-webhook", "--port", "40001", "--proxy-port", "1080", "--count", "8443");
    }

    @Test
    void aFlagValueWithAnEqualsSignIsRewrittenAsAPath() {
        assertThat(rewriter.rewrite(List.of("--ca-file=/var/run/kubetunnel/connector-token/ca.crt")))
                .containsExactly("--ca-file=/tmp/pod/volumes/token/ca.crt");
    }
}
