package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The kubectl acceptance list, driven through the real kubectl against {@code local-api};
 * subclasses run it over plain HTTP and over TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class KubectlAcceptanceTests {

    static final Path CRDS = Path.of("deploy/crds");
    static final Path SAMPLES = Path.of("deploy/samples");
    private static final Duration EVENTUALLY = Duration.ofSeconds(30);

    private LocalApi api;
    Kubectl kubectl;

    abstract boolean tls();

    @BeforeAll
    void startApiAndInstallCrds(@TempDir Path work) {
        api = LocalApi.start(tls());
        kubectl = new Kubectl(api.kubeconfigFile(), work);
        assertThat(kubectl.run("apply", "-f", CRDS.toString()).ok())
                .contains("customresourcedefinition.apiextensions.k8s.io/tunnelconnectors.kubetunnel.d2iq.io created");
    }

    @AfterAll
    void stopApi() {
        api.close();
    }

    @Test
    void kubeconfigPointsAtTheSchemeAskedFor() {
        assertThat(api.url()).startsWith(tls() ? "https://127.0.0.1:" : "http://127.0.0.1:");
        assertThat(kubectl.run("version").ok()).contains("Server Version: v1.");
    }

    @Test
    void crdKindsAreDiscoverableWithTheirStatusSubresource() {
        assertThat(kubectl.run("api-resources", "--api-group=kubetunnel.d2iq.io", "-o", "wide")
                        .ok())
                .contains("tunnelconnectors")
                .contains("tunnelgateways")
                .contains("TunnelConnector");
        assertThat(kubectl.run("get", "--raw", "/apis/kubetunnel.d2iq.io/v1alpha1")
                        .ok())
                .contains("\"name\":\"tunnelconnectors/status\"");
    }

    @Test
    void samplesApplyListShowAndDelete() {
        String applied = kubectl.run("apply", "-f", SAMPLES.toString()).ok();
        assertThat(applied)
                .contains(
                        "tunnelgateway.kubetunnel.d2iq.io/demo-gateway created",
                        "tunnelconnector.kubetunnel.d2iq.io/demo-cluster created",
                        "secret/demo-gateway-ca created");

        assertThat(kubectl.run("get", "tunnelgateways,tunnelconnectors", "-n", "default")
                        .ok())
                .contains(
                        "tunnelgateway.kubetunnel.d2iq.io/demo-gateway",
                        "tunnelconnector.kubetunnel.d2iq.io/demo-cluster");
        assertThat(kubectl.run("get", "tunnelconnector", "demo-cluster", "-n", "default", "-o", "yaml")
                        .ok())
                .contains("kind: TunnelConnector", "name: demo-cluster", "proxyPort: 1080", "resourceVersion:");
        assertThat(kubectl.run("apply", "-f", SAMPLES.toString()).ok())
                .contains("tunnelconnector.kubetunnel.d2iq.io/demo-cluster unchanged");

        assertThat(kubectl.run("delete", "-f", SAMPLES.toString()).ok())
                .contains(
                        "tunnelconnector.kubetunnel.d2iq.io \"demo-cluster\" deleted",
                        "tunnelgateway.kubetunnel.d2iq.io \"demo-gateway\" deleted");
        assertThat(kubectl.run("get", "tunnelconnector", "demo-cluster", "-n", "default")
                        .err())
                .contains("NotFound");
    }

    @Test
    void watchSeesALaterStatusChangeOnce() {
        kubectl.runWithInput(connector("watch", "watched", "1080"), "apply", "-f", "-")
                .ok();
        try (Kubectl.Running watch = kubectl.start("get", "tunnelconnectors", "-n", "watch", "-w")) {
            await().atMost(EVENTUALLY).until(() -> watch.out().contains("watched"));

            kubectl.run(
                            "patch",
                            "tunnelconnector",
                            "watched",
                            "-n",
                            "watch",
                            "--subresource=status",
                            "--type=merge",
                            "-p",
                            "{\"status\":{\"state\":\"Connected\"}}")
                    .ok();

            await().atMost(EVENTUALLY).until(() -> watch.out().contains("Connected"));
            // the listed object is not replayed by the watch (it would print a second row without a state)
            assertThat(watch.out().lines().filter(line -> line.startsWith("watched") && !line.contains("Connected")))
                    .hasSize(1);
            assertThat(watch.process().isAlive()).isTrue();
        }
    }

    @Test
    void getPrintsTheCrdPrinterColumns() {
        kubectl.runWithInput(connector("columns", "printed", "1080"), "apply", "-f", "-")
                .ok();
        kubectl.run(
                        "patch",
                        "tunnelconnector",
                        "printed",
                        "-n",
                        "columns",
                        "--subresource=status",
                        "--type=merge",
                        "-p",
                        "{\"status\":{\"state\":\"Pending\"}}")
                .ok();

        String table = kubectl.run("get", "tunnelconnectors", "-n", "columns").ok();

        assertThat(table.lines().findFirst())
                .hasValueSatisfying(header -> assertThat(header).matches("NAME\\s+GATEWAY\\s+STATE\\s+AGE\\s*"));
        assertThat(table).containsPattern("printed\\s+demo-gateway\\s+Pending\\s+");
    }

    @Test
    void shortNamesTheKubetunnelCategoryAndTheWideReadyReasonWorkAsOnARealApiServer() {
        kubectl.runWithInput(connector("wide", "explained", "1080") + """
                ---
                apiVersion: kubetunnel.d2iq.io/v1alpha1
                kind: TunnelGateway
                metadata:
                  name: hosted
                  namespace: wide
                spec:
                  ingress:
                    host: kubetunnel.example.com
                    urlPathPrefix: /ops/kt
                """, "apply", "-f", "-")
                .ok();
        kubectl.run(
                        "patch",
                        "tunnelconnector",
                        "explained",
                        "-n",
                        "wide",
                        "--subresource=status",
                        "--type=merge",
                        "-p",
                        "{\"status\":{\"state\":\"Listening\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"False\","
                                + "\"reason\":\"AgentNotConnected\",\"message\":\"apply the manifests\",\"lastTransitionTime\":\"2026-01-01T00:00:00Z\"}]}}")
                .ok();

        assertThat(kubectl.run("get", "tc", "-n", "wide").ok())
                .contains("explained")
                .doesNotContain("AgentNotConnected");
        String wide = kubectl.run("get", "tc", "-n", "wide", "-o", "wide").ok();
        assertThat(wide.lines().findFirst())
                .hasValueSatisfying(header ->
                        assertThat(header).matches("NAME\\s+GATEWAY\\s+STATE\\s+AGE\\s+REASON\\s+MESSAGE\\s*"));
        assertThat(wide).contains("AgentNotConnected", "apply the manifests");
        String gateways = kubectl.run("get", "tgw", "-n", "wide").ok();
        assertThat(gateways.lines().findFirst())
                .hasValueSatisfying(header -> assertThat(header).matches("NAME\\s+HOST\\s+PREFIX\\s+AGE\\s*"));
        assertThat(gateways).containsPattern("hosted\\s+.*kubetunnel.example.com\\s+/ops/kt");
        assertThat(kubectl.run("get", "kubetunnel", "-n", "wide", "-o", "name").ok())
                .contains("tunnelconnector.kubetunnel.d2iq.io/explained", "tunnelgateway.kubetunnel.d2iq.io/hosted");
    }

    @Test
    void listKindIsValidatedClientSideWithTheProtobufOpenApiV2() {
        String list = """
                apiVersion: v1
                kind: List
                items:
                - apiVersion: v1
                  kind: ConfigMap
                  metadata:
                    name: first
                    namespace: listed
                - apiVersion: v1
                  kind: ConfigMap
                  metadata:
                    name: second
                    namespace: listed
                """;

        assertThat(kubectl.runWithInput(list, "apply", "-f", "-").ok())
                .contains("configmap/first created", "configmap/second created");
    }

    @Test
    void statusPatchChangesOnlyStatusAndSpecPatchKeepsStatus() {
        kubectl.runWithInput(connector("status", "statusful", "1080"), "apply", "-f", "-")
                .ok();

        kubectl.run(
                        "patch",
                        "tunnelconnector",
                        "statusful",
                        "-n",
                        "status",
                        "--subresource=status",
                        "--type=merge",
                        "-p",
                        "{\"status\":{\"state\":\"Listening\"},\"spec\":{\"proxyPort\":2}}")
                .ok();
        assertThat(specAndState("status", "statusful")).isEqualTo("1080 Listening");

        kubectl.run(
                        "patch",
                        "tunnelconnector",
                        "statusful",
                        "-n",
                        "status",
                        "--type=merge",
                        "-p",
                        "{\"spec\":{\"proxyPort\":1081},\"status\":{\"state\":\"Failed\"}}")
                .ok();
        assertThat(specAndState("status", "statusful")).isEqualTo("1081 Listening");
    }

    @Test
    void waitForJsonpathReturnsOnlyOnceTheStateIsReached() {
        kubectl.runWithInput(connector("wait", "awaited", "1080"), "apply", "-f", "-")
                .ok();
        try (Kubectl.Running wait = kubectl.start(
                "wait",
                "tunnelconnector/awaited",
                "-n",
                "wait",
                "--for=jsonpath={.status.state}=Connected",
                "--timeout=60s")) {
            kubectl.run(
                            "patch",
                            "tunnelconnector",
                            "awaited",
                            "-n",
                            "wait",
                            "--subresource=status",
                            "--type=merge",
                            "-p",
                            "{\"status\":{\"state\":\"Listening\"}}")
                    .ok();
            await().during(Duration.ofSeconds(2)).atMost(EVENTUALLY).until(wait.process()::isAlive);

            kubectl.run(
                            "patch",
                            "tunnelconnector",
                            "awaited",
                            "-n",
                            "wait",
                            "--subresource=status",
                            "--type=merge",
                            "-p",
                            "{\"status\":{\"state\":\"Connected\"}}")
                    .ok();

            await().atMost(EVENTUALLY).until(() -> !wait.process().isAlive());
            assertThat(wait.process().exitValue()).isZero();
            assertThat(wait.out()).contains("tunnelconnector.kubetunnel.d2iq.io/awaited condition met");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "70000", "0"})
    void connectorWithAnInvalidProxyPortIsRefusedNamingTheField(String proxyPort) {
        String name = "bad-port-" + Math.abs(proxyPort.hashCode());
        Kubectl.Result refused = kubectl.runWithInput(connector("invalid", name, proxyPort), "apply", "-f", "-");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("is invalid", "spec.proxyPort");
        assertThat(kubectl.run("get", "tunnelconnector", name, "-n", "invalid").err())
                .contains("NotFound");
    }

    @Test
    void statusOutsideTheStateEnumIsRefusedNamingTheField() {
        kubectl.runWithInput(connector("enum", "stateful", "1080"), "apply", "-f", "-")
                .ok();

        Kubectl.Result refused = kubectl.run(
                "patch",
                "tunnelconnector",
                "stateful",
                "-n",
                "enum",
                "--subresource=status",
                "--type=merge",
                "-p",
                "{\"status\":{\"state\":\"Sleeping\"}}");

        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("status.state");
    }

    @Test
    void describeShowsTheEventsOfThatObjectOnlyAsARealApiServerDoes() {
        kubectl.run("apply", "-f", SAMPLES.toString()).ok();
        String uid = kubectl.run(
                        "get", "tunnelconnector", "demo-cluster", "-n", "default", "-o", "jsonpath={.metadata.uid}")
                .ok();
        try {
            kubectl.runWithInput(
                            event("about-demo-cluster", "demo-cluster", uid, "BecameListening") + "---\n"
                                    + event(
                                            "about-another",
                                            "another",
                                            "00000000-0000-0000-0000-000000000000",
                                            "SomethingElse"),
                            "apply",
                            "-f",
                            "-")
                    .ok();
            assertThat(kubectl.run("describe", "tunnelconnector", "demo-cluster", "-n", "default")
                            .ok())
                    .contains("BecameListening")
                    .doesNotContain("SomethingElse")
                    .doesNotContain("Events:  <none>");
        } finally {
            kubectl.run(
                            "delete",
                            "events",
                            "about-demo-cluster",
                            "about-another",
                            "-n",
                            "default",
                            "--ignore-not-found")
                    .ok();
            kubectl.run("delete", "-f", SAMPLES.toString()).ok();
        }
    }

    private static String event(String name, String connector, String uid, String reason) {
        return "apiVersion: v1\nkind: Event\nmetadata:\n  name: " + name + "\n  namespace: default\n"
                + "involvedObject:\n  apiVersion: kubetunnel.d2iq.io/v1alpha1\n  kind: TunnelConnector\n  namespace: default\n"
                + "  name: " + connector + "\n  uid: " + uid + "\nreason: " + reason
                + "\nmessage: state changed\ntype: Normal\n"
                + "firstTimestamp: \"2026-01-01T00:00:00Z\"\nlastTimestamp: \"2026-01-01T00:00:00Z\"\ncount: 1\n";
    }

    @Test
    void getAllListsWorkloadsAndServicesThroughTheAllCategoryAsARealApiServerDoes() {
        String manifests = coreObjects(1).replace("team-a", "team-all");
        kubectl.runWithInput(manifests, "apply", "-f", "-").ok();
        try {
            assertThat(kubectl.run("get", "all", "-n", "team-all", "-o", "name").ok())
                    .contains("deployment.apps/web")
                    .doesNotContain("secret/");
        } finally {
            kubectl.runWithInput(manifests, "delete", "-f", "-").ok();
        }
    }

    @Test
    void coreObjectsApplyGetReapplyAndDelete() {
        String manifests = coreObjects(1);
        assertThat(kubectl.runWithInput(manifests, "apply", "-f", "-").ok())
                .contains("namespace/team-a created", "secret/app-token created", "deployment.apps/web created");
        assertThat(kubectl.run("get", "deployment", "web", "-n", "team-a", "-o", "jsonpath={.spec.replicas}")
                        .ok())
                .isEqualTo("1");

        assertThat(kubectl.runWithInput(coreObjects(2), "apply", "-f", "-").ok())
                .contains("deployment.apps/web configured", "secret/app-token unchanged");
        assertThat(kubectl.run("get", "deployment", "web", "-n", "team-a", "-o", "jsonpath={.spec.replicas}")
                        .ok())
                .isEqualTo("2");
        assertThat(kubectl.run("get", "secrets", "-n", "team-a").ok()).contains("app-token");

        assertThat(kubectl.runWithInput(manifests, "delete", "-f", "-").ok())
                .contains("namespace \"team-a\" deleted", "deployment.apps \"web\" deleted");
        assertThat(kubectl.run("get", "namespace", "team-a").err()).contains("NotFound");
    }

    @Test
    void scaleSetsADeploymentsReplicasAndAnswersAScale() {
        kubectl.runWithInput(coreObjects(1).replace("team-a", "team-s"), "apply", "-f", "-")
                .ok();

        assertThat(kubectl.run("scale", "deployment", "web", "-n", "team-s", "--replicas=0")
                        .ok())
                .contains("deployment.apps/web scaled");
        assertThat(kubectl.run("get", "deployment", "web", "-n", "team-s", "-o", "jsonpath={.spec.replicas}")
                        .ok())
                .isEqualTo("0");
        assertThat(kubectl.run("get", "--raw", "/apis/apps/v1/namespaces/team-s/deployments/web/scale")
                        .ok())
                .contains("\"kind\":\"Scale\"", "\"replicas\":0", "\"selector\":\"app=web\"");

        assertThat(kubectl.run("scale", "deployment", "web", "-n", "team-s", "--replicas=-1")
                        .err())
                .contains("replicas");
        assertThat(kubectl.run("get", "--raw", "/apis/apps/v1/namespaces/team-s/deployments/missing/scale")
                        .err())
                .contains("NotFound");
        kubectl.run("delete", "namespace", "team-s").ok();
    }

    @Test
    void reapplyingAChangedContainerListMergesItStrategically() {
        String original = coreObjects(1).replace("team-a", "team-m");
        kubectl.runWithInput(original, "apply", "-f", "-").ok();
        String changed = original.replace("image: nginx", "image: nginx:1.27\n        args: [\"--one\", \"--two\"]")
                .replace("- containerPort: 80", "- containerPort: 8080");

        assertThat(kubectl.runWithInput(changed, "apply", "-f", "-").ok()).contains("deployment.apps/web configured");
        assertThat(kubectl.run(
                                "get",
                                "deployment",
                                "web",
                                "-n",
                                "team-m",
                                "-o",
                                "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].args} {.spec.template.spec.containers[*].ports[*].containerPort}")
                        .ok())
                .isEqualTo("nginx:1.27 [\"--one\",\"--two\"] 8080");
        assertThat(kubectl.runWithInput(original, "apply", "-f", "-").ok()).contains("deployment.apps/web configured");
        assertThat(kubectl.run(
                                "get",
                                "deployment",
                                "web",
                                "-n",
                                "team-m",
                                "-o",
                                "jsonpath={.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].args}")
                        .ok()
                        .strip())
                .isEqualTo("nginx");
        kubectl.run("delete", "namespace", "team-m").ok();
    }

    private String specAndState(String namespace, String name) {
        return kubectl.run(
                        "get",
                        "tunnelconnector",
                        name,
                        "-n",
                        namespace,
                        "-o",
                        "jsonpath={.spec.proxyPort} {.status.state}")
                .ok();
    }

    static String connector(String namespace, String name, String proxyPort) {
        return """
                apiVersion: kubetunnel.d2iq.io/v1alpha1
                kind: TunnelConnector
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  gatewayRef:
                    name: demo-gateway
                  proxyPort: %s
                """.formatted(name, namespace, proxyPort);
    }

    private static String coreObjects(int replicas) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: team-a
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: app-token
                  namespace: team-a
                stringData:
                  token: not-a-secret
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: team-a
                  labels:
                    app: web
                spec:
                  replicas: %d
                  selector:
                    matchLabels:
                      app: web
                  template:
                    metadata:
                      labels:
                        app: web
                    spec:
                      containers:
                      - name: web
                        image: nginx
                        ports:
                        - containerPort: 80
                """.formatted(replicas);
    }
}
