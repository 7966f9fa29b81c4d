package io.d2iq.kubetunnel.real;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.local.Kubectl;
import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management cluster's credentials of a connector, tried as an attacker holding them would, against the real
 * authenticator and RBAC authorizer: the token exported to the remote cluster opens nothing on the management API,
 * and the webhook's own ServiceAccount reaches exactly its connector and that connector's kubeconfig Secret.
 */
class TrustBoundaryOnRealApiServerIT {

    private static final String SYSTEM_NS = "kubetunnel-system";
    private static final String NS = "default";
    private static final String CONNECTOR = "demo-cluster";
    private static final String OTHER = "other-cluster";

    @TempDir
    static Path dir;

    @RegisterExtension
    static final ControlPlaneExtension MANAGEMENT = new ControlPlaneExtension("management");

    private static ControlPlane cluster;
    private static KubernetesClient admin;
    private static ControllerProcess controller;

    @BeforeAll
    static void installAndReconcileTwoConnectors() throws Exception {
        cluster = MANAGEMENT.plane();
        admin = cluster.adminClient();
        Kubectl kubectl = new Kubectl(cluster.adminKubeconfig(), Files.createDirectories(dir.resolve("kubectl")));
        kubectl.run("apply", "-k", "deploy/").ok();
        kubectl.run("apply", "-f", "deploy/samples/").ok();
        kubectl.runWithInput(
                        Files.readString(Path.of("deploy/samples/tunnelconnector.yaml"))
                                .replace(CONNECTOR, OTHER),
                        "apply",
                        "-f",
                        "-")
                .ok();
        String token = cluster.serviceAccountToken(SYSTEM_NS, "kubetunnel-controller");
        Path kubeconfig = Files.writeString(dir.resolve("controller.kubeconfig"), cluster.kubeconfigWithToken(token));
        controller = ControllerProcess.start(
                kubeconfig, SYSTEM_NS, "controller-0", dir.resolve("controller.log"), List.of());
        for (String name : List.of(CONNECTOR, OTHER)) {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> secret(ConnectorResources.agentTokenSecretName(name)) != null
                            && secret(ConnectorResources.kubeconfigSecretName(name)) != null
                            && admin.apps()
                                            .deployments()
                                            .inNamespace(NS)
                                            .withName(ConnectorResources.kubeconfigWebhookName(name))
                                            .get()
                                    != null);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (controller != null) {
            controller.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void theTokenExportedToTheRemoteClusterAuthenticatesAsNobodyOnTheManagementApi() {
        String exported = new String(
                Base64.getDecoder()
                        .decode(secret(ConnectorResources.agentTokenSecretName(CONNECTOR))
                                .getData()
                                .get("token")),
                StandardCharsets.UTF_8);
        assertThat(exported).as("at least 32 random bytes").hasSizeGreaterThanOrEqualTo(43);
        try (KubernetesClient attacker = cluster.clientWithToken(exported)) {
            String kubeconfigSecret = ConnectorResources.kubeconfigSecretName(CONNECTOR);
            refused(
                    attacker,
                    c -> c.secrets().inNamespace(NS).withName(kubeconfigSecret).get());
            refused(attacker, c -> c.secrets().inNamespace(NS).list());
            refused(
                    attacker,
                    c -> c.secrets()
                            .inNamespace(NS)
                            .resource(hostileKubeconfigSecret(kubeconfigSecret))
                            .update());
            refused(
                    attacker,
                    c -> c.secrets()
                            .inNamespace(NS)
                            .resource(hostileKubeconfigSecret(kubeconfigSecret))
                            .patch());
            refused(
                    attacker,
                    c -> c.secrets()
                            .inNamespace(NS)
                            .resource(hostileKubeconfigSecret(OTHER + "-squatted"))
                            .create());
            refused(
                    attacker,
                    c -> c.secrets().inNamespace(NS).withName(kubeconfigSecret).delete());
            refused(
                    attacker,
                    c -> c.resources(TunnelConnector.class)
                            .inNamespace(NS)
                            .withName(CONNECTOR)
                            .get());
            refused(attacker, c -> c.namespaces().list());
            refused(attacker, c -> c.pods().inNamespace(SYSTEM_NS).list());
        }
    }

    @Test
    void theWebhooksServiceAccountReadsItsConnectorAndWritesOnlyThatConnectorsKubeconfigSecret() {
        String identity = ConnectorResources.agentServiceAccountName(CONNECTOR);
        assertThat(admin.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName(ConnectorResources.kubeconfigWebhookName(CONNECTOR))
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getServiceAccountName())
                .as("the webhook runs as it")
                .isEqualTo(identity);
        try (KubernetesClient webhook = cluster.clientWithToken(cluster.serviceAccountToken(NS, identity))) {
            String own = ConnectorResources.kubeconfigSecretName(CONNECTOR);
            assertThat(webhook.resources(TunnelConnector.class)
                            .inNamespace(NS)
                            .withName(CONNECTOR)
                            .get())
                    .isNotNull();
            assertThat(webhook.secrets().inNamespace(NS).withName(own).get()).isNotNull();
            webhook.secrets()
                    .inNamespace(NS)
                    .withName(own)
                    .edit(secret -> new SecretBuilder(secret)
                            .editMetadata()
                            .addToAnnotations("kubetunnel.test/touched", "true")
                            .endMetadata()
                            .build());

            refused(
                    webhook,
                    c -> c.resources(TunnelConnector.class)
                            .inNamespace(NS)
                            .withName(OTHER)
                            .get());
            refused(
                    webhook,
                    c -> c.resources(TunnelConnector.class).inNamespace(NS).list());
            refused(
                    webhook,
                    c -> c.secrets()
                            .inNamespace(NS)
                            .withName(ConnectorResources.kubeconfigSecretName(OTHER))
                            .get());
            refused(
                    webhook,
                    c -> c.secrets()
                            .inNamespace(NS)
                            .withName(ConnectorResources.agentTokenSecretName(CONNECTOR))
                            .get());
            refused(webhook, c -> c.secrets().inNamespace(NS).list());
            refused(
                    webhook,
                    c -> c.secrets()
                            .inNamespace(NS)
                            .resource(hostileKubeconfigSecret(OTHER + "-squatted"))
                            .create());
            refused(webhook, c -> c.secrets().inNamespace(NS).withName(own).delete());
            refused(
                    webhook,
                    c -> c.secrets()
                            .inNamespace(NS)
                            .resource(hostileKubeconfigSecret(ConnectorResources.kubeconfigSecretName(OTHER)))
                            .update());
        }
    }

    /**
     * The API server answers the call 401 or 403. It may close the connection instead of reading a refused request's
     * body (fabric8 then reports code -1); that is tried again, as it says nothing either way.
     */
    private static void refused(KubernetesClient client, Consumer<KubernetesClient> call) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            KubernetesClientException refused =
                    catchThrowableOfType(KubernetesClientException.class, () -> call.accept(client));
            assertThat(refused).as("the API server refused the call").isNotNull();
            assertThat(refused.getCode()).as(refused.getMessage()).isIn(401, 403);
        });
    }

    private static Secret hostileKubeconfigSecret(String name) {
        return new SecretBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName(name)
                .endMetadata()
                .withStringData(
                        Map.of(ConnectorResources.KUBECONFIG_KEY, "users: [{name: x, user: {exec: {command: sh}}}]"))
                .build();
    }

    private static Secret secret(String name) {
        return admin.secrets().inNamespace(NS).withName(name).get();
    }
}
