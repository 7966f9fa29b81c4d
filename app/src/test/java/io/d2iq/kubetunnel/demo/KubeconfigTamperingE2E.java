package io.d2iq.kubetunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.kubeconfig.HostileKubeconfig;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ConnectorResources;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker who may write the connector's kubeconfig Secret, through the whole system: the stored kubeconfig
 * is overwritten with kubectl by one that carries an exec plugin (whose command would create a file), an auth
 * provider, a CA file path or insecure-skip-tls-verify. The controller runs nothing, goes Failed with reason
 * KubeconfigRejected naming the field, and heals when a valid kubeconfig is back: written back by hand, or
 * registered again by the register Job.
 */
class KubeconfigTamperingE2E {

    private static final Pattern REGISTER_JOB = Pattern.compile(AgentManifests.REGISTER_JOB_PREFIX + "[0-9a-f]+");
    /** After Failed, how long the test keeps checking that the exec plugin's file does not appear (resyncs and retries included). */
    private static final Duration NOTHING_RUNS_FOR = Duration.ofSeconds(12);

    @TempDir
    static Path dir;

    private static E2eClusters clusters;

    @BeforeAll
    static void start() throws Exception {
        clusters = E2eClusters.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (clusters != null) {
            clusters.close();
        }
    }

    @Test
    void aTamperedKubeconfigSecretRunsNothingFailsNamingTheFieldAndHealsOnAValidOne() throws Exception {
        Path marker = dir.resolve("pwned");
        try (E2eConnection connection = E2eConnection.connect(clusters, "e2e-tampered", 0, dir)) {
            String valid = kubeconfig(connection);
            List<HostileKubeconfig> attacks = HostileKubeconfig.named(marker);
            for (HostileKubeconfig attack : attacks) {
                writeKubeconfig(connection, attack.applyTo(valid));
                connection.timeline().awaitState(TunnelConnectorState.Failed, E2eClusters.STATE_TIMEOUT);
                await().atMost(E2eClusters.STATE_TIMEOUT).untilAsserted(() -> {
                    assertThat(readyCondition(connection, "reason")).isEqualTo("KubeconfigRejected");
                    assertThat(readyCondition(connection, "message")).contains(attack.field() + " is not allowed");
                });
                await().during(NOTHING_RUNS_FOR)
                        .atMost(NOTHING_RUNS_FOR.plusSeconds(5))
                        .untilAsserted(() ->
                                assertThat(marker).as("the exec plugin's file").doesNotExist());

                if (attack != attacks.get(attacks.size() - 1)) {
                    writeKubeconfig(connection, valid);
                } else {
                    registerAgain(connection);
                }
                connection.timeline().awaitState(TunnelConnectorState.Connected, E2eClusters.STATE_TIMEOUT);
            }
            assertThat(connection.throughTunnel("get", "namespaces")).contains(AgentManifests.REMOTE_NAMESPACE);
        }
        assertThat(marker).doesNotExist();
    }

    private static String kubeconfig(E2eConnection connection) {
        return Demo.secretValue(
                clusters.management(),
                clusters.namespace(),
                ConnectorResources.kubeconfigSecretName(connection.name()),
                "kubeconfig");
    }

    /** What anyone allowed to update the Secret can do, with kubectl. */
    private static void writeKubeconfig(E2eConnection connection, String kubeconfig) {
        String data = Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8));
        clusters.management()
                .run(
                        "patch",
                        "secret",
                        ConnectorResources.kubeconfigSecretName(connection.name()),
                        "-n",
                        clusters.namespace(),
                        "--type",
                        "merge",
                        "-p",
                        "{\"data\": {\"" + ConnectorResources.KUBECONFIG_KEY + "\": \"" + data + "\"}}");
    }

    /** Runs the register Job again on the remote cluster, as the docs tell the user to: delete it and re-apply the manifests. */
    private static void registerAgain(E2eConnection connection) throws Exception {
        Matcher job = REGISTER_JOB.matcher(connection.manifests());
        assertThat(job.find()).as("the manifests name a register Job").isTrue();
        connection.remote().run("delete", "job", job.group(), "-n", AgentManifests.REMOTE_NAMESPACE);
        connection.applyManifests();
    }

    private static String readyCondition(E2eConnection connection, String field) {
        return clusters.management()
                .run(
                        "get",
                        "tunnelconnector",
                        connection.name(),
                        "-n",
                        clusters.namespace(),
                        "-o",
                        "jsonpath={.status.conditions[?(@.type==\"Ready\")]." + field + "}");
    }
}
