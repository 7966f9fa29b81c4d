package io.d2iq.kubetunnel.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentManifestsTest {

    private final ConnectorInputs inputs = new ConnectorInputs(
            ConnectorFixtures.connector("ns1", "c1", "gw", 1080),
            ConnectorFixtures.gateway("ns1", "gw", "t.example.com", "/kt", "ca"),
            "-----BEGIN CERTIFICATE-----\n",
            "t0ken",
            "lb.example.com:443");

    private List<HasMetadata> parsedManifests() {
        Secret secret = AgentManifests.secret(
                inputs, new ControllerSettings("img:2", "cluster-admin"), ConnectorEndpoints.of(inputs));
        String yaml =
                new String(Base64.getDecoder().decode(secret.getData().get("manifests.yaml")), StandardCharsets.UTF_8);
        List<HasMetadata> parsed =
                Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        return parsed;
    }

    private <T extends HasMetadata> T named(Class<T> kind, String name) {
        return parsedManifests().stream()
                .filter(kind::isInstance)
                .map(kind::cast)
                .filter(o -> o.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private Deployment agent() {
        return named(Deployment.class, AgentManifests.REMOTE_AGENT_NAME);
    }

    private Job register() {
        return parsedManifests().stream()
                .filter(Job.class::isInstance)
                .map(Job.class::cast)
                .findFirst()
                .orElseThrow();
    }

    private static List<PodSpec> pods(Deployment agent, Job register) {
        return List.of(
                agent.getSpec().getTemplate().getSpec(),
                register.getSpec().getTemplate().getSpec());
    }

    @Test
    void noRemotePodMountsAServiceAccountTokenOrRunsAsTheBoundAccount() {
        Deployment agent = agent();
        Job register = register();
        ClusterRoleBinding binding = named(ClusterRoleBinding.class, AgentManifests.REMOTE_ACCESS_BINDING);
        String bound = binding.getSubjects().get(0).getName();

        assertThat(bound).isEqualTo(AgentManifests.REMOTE_ACCESS_ACCOUNT);
        assertThat(binding.getRoleRef().getName()).isEqualTo("cluster-admin");
        assertThat(pods(agent, register)).allSatisfy(pod -> {
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(pod.getServiceAccountName())
                    .isEqualTo(AgentManifests.REMOTE_AGENT_NAME)
                    .isNotEqualTo(bound);
        });
        assertThat(named(ServiceAccount.class, AgentManifests.REMOTE_AGENT_NAME).getAutomountServiceAccountToken())
                .isFalse();
        assertThat(named(ServiceAccount.class, AgentManifests.REMOTE_ACCESS_ACCOUNT)
                        .getAutomountServiceAccountToken())
                .isFalse();
        assertThat(parsedManifests())
                .filteredOn(o -> o instanceof ClusterRoleBinding || o instanceof RoleBinding)
                .as("only the registered account is bound to anything")
                .singleElement()
                .isEqualTo(binding);
    }

    @Test
    void onlyTheRegisterJobMountsTheRegisteredAccountsToken() {
        Secret token = named(Secret.class, AgentManifests.REMOTE_ACCESS_TOKEN_SECRET);
        assertThat(token.getType()).isEqualTo("kubernetes.io/service-account-token");
        assertThat(token.getMetadata().getAnnotations())
                .containsEntry("kubernetes.io/service-account.name", AgentManifests.REMOTE_ACCESS_ACCOUNT);
        PodSpec register = register().getSpec().getTemplate().getSpec();
        assertThat(register.getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .extracting(v -> v.getSecret().getSecretName())
                .containsExactlyInAnyOrder(
                        AgentManifests.REMOTE_CONNECTOR_SECRET, AgentManifests.REMOTE_ACCESS_TOKEN_SECRET);
        assertThat(register.getContainers().get(0).getArgs())
                .containsSequence("--remote-token-file", AgentManifests.REMOTE_MOUNT_DIR + "/token")
                .containsSequence("--remote-ca-file", AgentManifests.REMOTE_MOUNT_DIR + "/ca.crt");
        assertThat(agent().getSpec().getTemplate().getSpec().getVolumes())
                .filteredOn(v -> v.getSecret() != null)
                .extracting(v -> v.getSecret().getSecretName())
                .containsExactly(AgentManifests.REMOTE_CONNECTOR_SECRET);
    }

    @Test
    void theAgentClusterRoleSettingIsTheRoleTheRegisteredAccountHolds() {
        Secret secret = AgentManifests.secret(
                inputs, new ControllerSettings("img:2", "kubetunnel-remote-reader"), ConnectorEndpoints.of(inputs));
        String yaml =
                new String(Base64.getDecoder().decode(secret.getData().get("manifests.yaml")), StandardCharsets.UTF_8);
        List<HasMetadata> parsed =
                Serialization.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
        assertThat(parsed)
                .filteredOn(ClusterRoleBinding.class::isInstance)
                .map(ClusterRoleBinding.class::cast)
                .singleElement()
                .satisfies(binding -> assertThat(binding.getRoleRef().getName()).isEqualTo("kubetunnel-remote-reader"));
    }

    @Test
    void manifestsCarryEveryRemoteObjectInApplyOrder() {
        assertThat(parsedManifests())
                .extracting(HasMetadata::getKind)
                .containsExactly(
                        "Namespace",
                        "ServiceAccount",
                        "ServiceAccount",
                        "ClusterRoleBinding",
                        "Secret",
                        "Secret",
                        "Job",
                        "Deployment");
    }

    @Test
    void agentDialsTheGatewayUrlWithTokenAndCa() {
        Deployment agent = agent();
        assertThat(agent.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getArgs())
                .containsExactly(
                        "agent",
                        "--server-url",
                        "wss://t.example.com:443/kt/ns1/c1/tunnel-server",
                        "--token-file",
                        "/var/run/secrets/kubetunnel/connector/token",
                        "--management-port",
                        "8080",
                        "--ca-file",
                        "/var/run/secrets/kubetunnel/connector/ca.crt");
        assertThat(agent.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot())
                .isTrue();
    }

    @Test
    void agentIsReadyWhileItsTunnelIsUpAndLiveWhileItRuns() {
        Container agent =
                (agent()).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(agent.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getName()).isEqualTo("management");
            assertThat(port.getContainerPort()).isEqualTo(8080);
        });
        assertThat(agent.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        assertThat(agent.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("management");
        assertThat(agent.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
        Job register = register();
        assertThat(register.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getReadinessProbe())
                .isNull();
    }

    @Test
    void agentAndRegisterPodsRunWithTheirRolesJvmOptions() {
        Container agent =
                agent().getSpec().getTemplate().getSpec().getContainers().get(0);
        Container register =
                register().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(agent.getEnv()).singleElement().satisfies(env -> {
            assertThat(env.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
            assertThat(env.getValue()).isEqualTo(RoleJvmOptions.of("agent"));
        });
        assertThat(register.getEnv()).singleElement().satisfies(env -> {
            assertThat(env.getName()).isEqualTo("JAVA_TOOL_OPTIONS");
            assertThat(env.getValue()).isEqualTo(RoleJvmOptions.of("register"));
        });
        // the heap fits the pod's memory limit with room for metaspace, code and thread stacks
        assertThat(agent.getResources().getLimits().get("memory").toString()).isEqualTo("256Mi");
        assertThat(agent.getEnv().get(0).getValue()).contains("-Xmx128m", "-XX:+UseSerialGC", "-Xms8m");
    }

    @Test
    void registerJobPostsToTheWebhookUrl() {
        Job job = register();
        assertThat(job.getMetadata().getName()).startsWith("kubetunnel-register-");
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
                .containsSequence("--webhook-url", "https://t.example.com:443/kt/ns1/c1/kubeconfig");
    }

    @Test
    void connectorSecretHoldsTokenAndCa() {
        Secret connectorSecret = named(Secret.class, AgentManifests.REMOTE_CONNECTOR_SECRET);
        assertThat(connectorSecret.getData()).containsKeys("token", "ca.crt");
        assertThat(new String(
                        Base64.getDecoder().decode(connectorSecret.getData().get("token")), StandardCharsets.UTF_8))
                .isEqualTo("t0ken");
    }

    @Test
    void withAGatewayHostTheUrlsCarryItAndAnIpAddressBecomesTheRemotePodsHostAlias() {
        ConnectorInputs atAnIp =
                new ConnectorInputs(inputs.connector(), inputs.gateway(), null, "t", "127.0.0.1:31443");
        ConnectorEndpoints endpoints = ConnectorEndpoints.of(atAnIp);
        assertThat(endpoints.tunnelServerWebSocketUrl()).isEqualTo("wss://t.example.com:31443/kt/ns1/c1/tunnel-server");
        assertThat(endpoints.webhookUrl()).isEqualTo("https://t.example.com:31443/kt/ns1/c1/kubeconfig");
        assertThat(endpoints.hostAlias()).isEqualTo(new ConnectorEndpoints.HostAlias("127.0.0.1", "t.example.com"));
        List<HasMetadata> objects = AgentManifests.objects(atAnIp, ControllerSettings.defaults(), endpoints);
        List<PodSpec> pods = objects.stream()
                .flatMap(o -> o instanceof Deployment d
                        ? java.util.stream.Stream.of(d.getSpec().getTemplate().getSpec())
                        : o instanceof Job j
                                ? java.util.stream.Stream.of(
                                        j.getSpec().getTemplate().getSpec())
                                : java.util.stream.Stream.empty())
                .toList();
        assertThat(pods)
                .hasSize(2)
                .allSatisfy(pod -> assertThat(pod.getHostAliases())
                        .singleElement()
                        .satisfies(alias -> {
                            assertThat(alias.getIp()).isEqualTo("127.0.0.1");
                            assertThat(alias.getHostnames()).containsExactly("t.example.com");
                        }));
    }

    @Test
    void aHostNamedAddressIsLeftToDnsAndAGatewayWithoutHostDialsTheAddress() {
        assertThat(ConnectorEndpoints.of(inputs).hostAlias())
                .as("lb.example.com resolves by DNS, so may t.example.com")
                .isNull();
        ConnectorInputs noHost = new ConnectorInputs(
                inputs.connector(), ConnectorFixtures.gateway("ns1", "gw", null, "/kt", "ca"), null, "t", "10.0.0.5");
        assertThat(ConnectorEndpoints.of(noHost))
                .isEqualTo(new ConnectorEndpoints(
                        "wss://10.0.0.5/kt/ns1/c1/tunnel-server", "https://10.0.0.5/kt/ns1/c1/kubeconfig", null));
    }

    @Test
    void noEndpointsWhileTheIngressHasNoAddress() {
        assertThat(ConnectorEndpoints.of(new ConnectorInputs(inputs.connector(), inputs.gateway(), null, "t", null)))
                .isNull();
    }
}
