package io.d2iq.kubetunnel.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectorWorkloadsTest {

    private final TunnelConnector connector = ConnectorFixtures.connector("ns1", "c1", "gw", 1090);
    private final ConnectorInputs inputs = new ConnectorInputs(
            connector,
            ConnectorFixtures.gateway("ns1", "gw", "tunnel.example.com", "/ops/kt/", null),
            null,
            "t0ken",
            "lb.example.com");

    @Test
    void tunnelServerServiceExposesTunnelProxyAndManagementPortsByName() {
        Service service = ConnectorWorkloads.tunnelServer(inputs).service(connector);
        assertThat(service.getMetadata().getName()).isEqualTo("c1-tunnel-server");
        assertThat(service.getSpec().getPorts())
                .extracting(ServicePort::getName, ServicePort::getPort)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("tunnel", 8443),
                        org.assertj.core.groups.Tuple.tuple("proxy", 1090),
                        org.assertj.core.groups.Tuple.tuple("management", 8080));
        assertThat(service.getSpec().getSelector())
                .isEqualTo(ConnectorWorkloads.tunnelServer(inputs)
                        .deployment(connector, ControllerSettings.defaults())
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels()
                        .entrySet()
                        .stream()
                        .filter(e -> service.getSpec().getSelector().containsKey(e.getKey()))
                        .collect(java.util.stream.Collectors.toMap(
                                java.util.Map.Entry::getKey, java.util.Map.Entry::getValue)));
    }

    @Test
    void tunnelServerAndWebhookDeploymentsCarryTheirRolesJvmOptions() {
        Container server = ConnectorWorkloads.tunnelServer(inputs)
                .deployment(connector, ControllerSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        Container webhook = ConnectorWorkloads.kubeconfigWebhook(inputs)
                .deployment(connector, ControllerSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(server.getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("JAVA_TOOL_OPTIONS", RoleJvmOptions.of("tunnel-server")));
        assertThat(webhook.getEnv())
                .extracting(EnvVar::getName, EnvVar::getValue)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "JAVA_TOOL_OPTIONS", RoleJvmOptions.of("kubeconfig-webhook")));
        // the webhook answers one POST per registration: a small heap and no C2
        assertThat(webhook.getEnv().get(0).getValue())
                .contains("-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xms8m");
        assertThat(server.getEnv().get(0).getValue()).contains("-Xmx128m", "-XX:+UseSerialGC", "-Xms8m");
    }

    @Test
    void jvmOptionsAreDecidedForEveryRoleAndNoneElse() {
        assertThat(List.of("tunnel-server", "kubeconfig-webhook", "agent", "register"))
                .allSatisfy(role -> assertThat(RoleJvmOptions.of(role)).startsWith("-XX:+UseSerialGC"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RoleJvmOptions.of("controller-typo"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyChildIsLabelledAndOwnedByItsConnector() {
        Deployment deployment =
                ConnectorWorkloads.kubeconfigWebhook(inputs).deployment(connector, ControllerSettings.defaults());
        assertThat(deployment.getMetadata().getLabels())
                .containsEntry("kubetunnel.d2iq.io/tunnel-connector", "c1")
                .containsEntry("app.kubernetes.io/name", "kubetunnel")
                .containsEntry("app.kubernetes.io/component", "kubeconfig-webhook");
        assertThat(deployment.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(ref -> {
                    assertThat(ref.getUid()).isEqualTo("uid-c1");
                    assertThat(ref.getController()).isTrue();
                });
        assertThat(deployment.getMetadata().getNamespace()).isEqualTo("ns1");
    }

    @Test
    void webhookProbesAndExposesItsManagementPort() {
        ComponentWorkload webhook = ConnectorWorkloads.kubeconfigWebhook(inputs);
        Container container = webhook.deployment(connector, ControllerSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0);
        assertThat(container.getArgs()).endsWith("--management-port", "8080");
        assertThat(container.getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("webhook:8443", "management:8080");
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        assertThat(webhook.service(connector).getSpec().getPorts())
                .extracting(ServicePort::getName)
                .containsExactly("webhook", "management");
        assertThat(webhook.ingress(connector, inputs.ingressSpec())
                        .getSpec()
                        .getRules()
                        .get(0)
                        .getHttp()
                        .getPaths()
                        .get(0)
                        .getBackend()
                        .getService()
                        .getPort()
                        .getName())
                .isEqualTo("webhook");
    }

    @Test
    void tunnelServerRunsNonRootWithItsTokenProxyPortConnectorAndManagementPort() {
        Deployment deployment =
                ConnectorWorkloads.tunnelServer(inputs).deployment(connector, new ControllerSettings("img:1", "view"));
        Container container =
                deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("img:1");
        assertThat(container.getArgs())
                .containsExactly(
                        "tunnel-server",
                        "--port",
                        "8443",
                        "--proxy-port",
                        "1090",
                        "--token-file",
                        "/var/run/kubetunnel/connector-token/token",
                        "--namespace",
                        "ns1",
                        "--connector",
                        "c1",
                        "--management-port",
                        "8080");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getSecurityContext()
                        .getRunAsNonRoot())
                .isTrue();
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/ready");
        assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
                .isEqualTo("management");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/observe/health/live");
        assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("c1-agent-token"));
    }

    @Test
    void ingressPathsFollowThePrefixNamespaceAndNameWithGatewayAnnotations() {
        Ingress tunnel = ConnectorWorkloads.tunnelServer(inputs).ingress(connector, inputs.ingressSpec());
        Ingress webhook = ConnectorWorkloads.kubeconfigWebhook(inputs).ingress(connector, inputs.ingressSpec());
        HTTPIngressPath tunnelPath =
                tunnel.getSpec().getRules().get(0).getHttp().getPaths().get(0);
        assertThat(tunnel.getSpec().getRules().get(0).getHost()).isEqualTo("tunnel.example.com");
        assertThat(tunnelPath.getPath()).isEqualTo("/ops/kt/ns1/c1/tunnel-server");
        assertThat(tunnelPath.getBackend().getService().getName()).isEqualTo("c1-tunnel-server");
        assertThat(tunnelPath.getBackend().getService().getPort().getName()).isEqualTo("tunnel");
        assertThat(webhook.getSpec()
                        .getRules()
                        .get(0)
                        .getHttp()
                        .getPaths()
                        .get(0)
                        .getPath())
                .isEqualTo("/ops/kt/ns1/c1/kubeconfig");
        assertThat(tunnel.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
    }

    @Test
    void ingressesListTheGatewayAnnotationsTheyCarrySoThatARemovedOneChangesTheDesiredIngress() {
        Ingress withAnnotation = ConnectorWorkloads.tunnelServer(inputs).ingress(connector, inputs.ingressSpec());
        assertThat(withAnnotation.getMetadata().getAnnotations())
                .containsEntry(
                        ComponentWorkload.EXTRA_ANNOTATIONS_ANNOTATION,
                        "nginx.ingress.kubernetes.io/proxy-read-timeout");

        inputs.ingressSpec().setExtraAnnotations(null);
        Ingress without = ConnectorWorkloads.tunnelServer(inputs).ingress(connector, inputs.ingressSpec());
        assertThat(without.getMetadata().getAnnotations())
                .containsOnly(java.util.Map.entry(ComponentWorkload.EXTRA_ANNOTATIONS_ANNOTATION, ""));
    }

    @Test
    void theTunnelServerIsRecreatedOnUpdateAndTheWebhookRolls() {
        assertThat(ConnectorWorkloads.tunnelServer(inputs)
                        .deployment(connector, ControllerSettings.defaults())
                        .getSpec()
                        .getStrategy()
                        .getType())
                .isEqualTo("Recreate");
        assertThat(ConnectorWorkloads.kubeconfigWebhook(inputs)
                        .deployment(connector, ControllerSettings.defaults())
                        .getSpec()
                        .getStrategy()
                        .getType())
                .isEqualTo("RollingUpdate");
    }

    @Test
    void noIngressWithoutGatewayIngress() {
        ConnectorInputs inCluster =
                new ConnectorInputs(connector, ConnectorFixtures.gatewayWithoutIngress("ns1", "gw"), null, "t", null);
        assertThat(ConnectorWorkloads.tunnelServer(inCluster).ingress(connector, inCluster.ingressSpec()))
                .isNull();
        assertThat(ConnectorEndpoints.of(inCluster).tunnelServerWebSocketUrl())
                .isEqualTo("ws://c1-tunnel-server.ns1.svc:8443/");
    }

    @Test
    void defaultProxyPortIs1080() {
        ConnectorInputs unset = new ConnectorInputs(
                ConnectorFixtures.connector("ns1", "c1", "gw", null), inputs.gateway(), null, "t", "lb");
        assertThat(unset.proxyPort()).isEqualTo(1080);
    }
}
