package io.d2iq.kubetunnel.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentManifestsTest {

    private final ConnectorInputs inputs = new ConnectorInputs(ConnectorFixtures.connector("ns1", "c1", "gw", 1080),
            ConnectorFixtures.gateway("ns1", "gw", "t.example.com", "/kt", "ca"), "-----BEGIN CERTIFICATE-----\n", "t0ken", "lb.example.com:443");

    private List<HasMetadata> parsedManifests() {
        Secret secret = AgentManifests.secret(inputs, new ControllerSettings("img:2", "cluster-admin"), ConnectorEndpoints.of(inputs));
        String yaml = new String(Base64.getDecoder().decode(secret.getData().get("manifests.yaml")), StandardCharsets.UTF_8);
        List<HasMetadata> parsed = Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        return parsed;
    }

    @Test
    void manifestsCarryEveryRemoteObjectInApplyOrder() {
        assertThat(parsedManifests()).extracting(HasMetadata::getKind)
                .containsExactly("Namespace", "ServiceAccount", "ClusterRoleBinding", "Secret", "Secret", "Job", "Deployment");
    }

    @Test
    void agentDialsTheGatewayUrlWithTokenAndCa() {
        Deployment agent = (Deployment) parsedManifests().get(6);
        assertThat(agent.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs()).containsExactly(
                "agent", "--server-url", "wss://lb.example.com:443/kt/ns1/c1/tunnel-server",
                "--token-file", "/var/run/secrets/kubetunnel/connector/token",
                "--management-port", "8080",
                "--ca-file", "/var/run/secrets/kubetunnel/connector/ca.crt");
        assertThat(agent.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    @Test
    void agentIsReadyWhileItsTunnelIsUpAndLiveWhileItRuns() {
        Container agent = ((Deployment) parsedManifests().get(6)).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(agent.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("management");
            assertThat(port.getContainerPort()).isEqualTo(8080);
        });
        assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        assertThat(agent.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
        assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
        Job register = (Job) parsedManifests().get(5);
        assertThat(register.getSpec().getTemplate().getSpec().getContainers().get(0).getReadinessProbe()).isNull();
    }

    @Test
    void registerJobPostsToTheWebhookUrl() {
        Job job = (Job) parsedManifests().get(5);
        assertThat(job.getMetadata().getName()).startsWith("kubetunnel-register-");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSequence("--webhook-url", "https://lb.example.com:443/kt/ns1/c1/kubeconfig");
    }

    @Test
    void connectorSecretHoldsTokenAndCa() {
        Secret connectorSecret = (Secret) parsedManifests().get(4);
        assertThat(connectorSecret.getData()).containsKeys("token", "ca.crt");
        assertThat(new String(Base64.getDecoder().decode(connectorSecret.getData().get("token")), StandardCharsets.UTF_8)).isEqualTo("t0ken");
    }

    @Test
    void noEndpointsWhileTheIngressHasNoAddress() {
        assertThat(ConnectorEndpoints.of(new ConnectorInputs(inputs.connector(), inputs.gateway(), null, "t", null))).isNull();
    }
}
