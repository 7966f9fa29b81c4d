package io.d2iq.kubetunnel.local.runner;

import static io.d2iq.kubetunnel.local.runner.TestWorkloads.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.model.AgentAccess;
import io.d2iq.kubetunnel.model.ComponentWorkload;
import io.d2iq.kubetunnel.model.ConnectorInputs;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.model.ConnectorToken;
import io.d2iq.kubetunnel.model.ConnectorWorkloads;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.model.ManagementPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real kubeconfig-webhook role, as the controller's builders describe it, runs on the runner: its token
 * Secret is filled, the Deployment goes ready, its Service answers on a loopback port, and deleting the
 * TunnelConnector garbage-collects every child and stops the process.
 */
class KubeconfigWebhookOnRunnerIT {

    private static final String NS = "kt";
    private static LocalApi api;
    private static KubernetesClient client;
    private static LocalRunner runner;

    @BeforeAll
    static void start() throws Exception {
        api = LocalApi.start(false);
        client = api.client();
        for (String crd :
                new String[] {"tunnelconnectors.kubetunnel.d2iq.io-v1.yml", "tunnelgateways.kubetunnel.d2iq.io-v1.yml"
                }) {
            try (InputStream in = Files.newInputStream(Path.of("deploy/crds", crd))) {
                client.apiextensions().v1().customResourceDefinitions().load(in).create();
            }
        }
        runner = LocalRunner.start(client, RunnerOptions.defaults());
    }

    @AfterAll
    static void stop() {
        runner.close();
        api.close();
    }

    @Test
    void theWebhookRoleRunsGoesReadyAndIsCollectedWithItsConnector() throws Exception {
        TunnelConnector connector;
        try (InputStream in = Files.newInputStream(Path.of("deploy/samples/tunnelconnector.yaml"))) {
            connector = client.resources(TunnelConnector.class).load(in).item();
        }
        connector.getMetadata().setNamespace(NS);
        TunnelConnector created =
                client.resources(TunnelConnector.class).resource(connector).create();
        String name = created.getMetadata().getName();
        ComponentWorkload webhook =
                ConnectorWorkloads.kubeconfigWebhook(new ConnectorInputs(created, null, null, null, null));
        client.serviceAccounts().resource(AgentAccess.serviceAccount(created)).create();
        client.rbac().roles().resource(AgentAccess.role(created)).create();
        client.rbac().roleBindings().resource(AgentAccess.roleBinding(created)).create();
        client.secrets()
                .resource(ConnectorToken.secret(created, ConnectorToken.generate()))
                .create();
        client.services().resource(webhook.service(created)).create();
        client.apps()
                .deployments()
                .resource(webhook.deployment(created, ControllerSettings.defaults()))
                .create();

        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Deployment deployment = client.apps()
                            .deployments()
                            .inNamespace(NS)
                            .withName(webhook.name())
                            .get();
                    return deployment.getStatus() != null
                            && Integer.valueOf(1).equals(deployment.getStatus().getReadyReplicas());
                });
        int port = runner.serviceMap()
                .resolve(NS, webhook.name(), ConnectorResources.TUNNEL_PORT)
                .orElseThrow()
                .getPort();
        assertThat(get(port, "/status")).contains("\"registered\":false");
        assertThat(runner.addressResolver()
                        .resolve(NS, webhook.name(), ConnectorResources.TUNNEL_PORT)
                        .getPort())
                .isEqualTo(port);
        // the Deployment's probe is on the management port, which the runner mapped to a loopback port of its own
        int managementPort = runner.serviceMap()
                .resolve(NS, webhook.name(), ManagementPort.PORT)
                .orElseThrow()
                .getPort();
        assertThat(managementPort).isNotIn(port, ManagementPort.PORT);
        assertThat(get(managementPort, ManagementPort.READINESS_PATH))
                .contains("{\"name\":\"kubernetes-api\",\"status\":\"UP\"}");

        client.resources(TunnelConnector.class).resource(created).delete();

        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> client.apps()
                                        .deployments()
                                        .inNamespace(NS)
                                        .withName(webhook.name())
                                        .get()
                                == null
                        && client.services()
                                        .inNamespace(NS)
                                        .withName(webhook.name())
                                        .get()
                                == null
                        && client.secrets()
                                        .inNamespace(NS)
                                        .withName(ConnectorResources.agentTokenSecretName(name))
                                        .get()
                                == null
                        && client.serviceAccounts()
                                        .inNamespace(NS)
                                        .withName(ConnectorResources.agentServiceAccountName(name))
                                        .get()
                                == null
                        && client.rbac()
                                        .roleBindings()
                                        .inNamespace(NS)
                                        .withName(ConnectorResources.agentRoleBindingName(name))
                                        .get()
                                == null);
        await().atMost(Duration.ofSeconds(15)).until(() -> !answers(port));
    }

    private static boolean answers(int port) {
        try {
            get(port, "/status");
            return true;
        } catch (RuntimeException refused) {
            return false;
        }
    }
}
