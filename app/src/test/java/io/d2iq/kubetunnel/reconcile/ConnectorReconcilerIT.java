package io.d2iq.kubetunnel.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.kubeconfig.HostileKubeconfig;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.TestCertificates;
import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.model.ComponentWorkload;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectorReconcilerIT {

    private static final String NS = "team-a";

    private LocalApi api;
    private KubernetesClient client;
    private HttpServer fakeTunnelServerStatus;
    private static final String VALID_KUBECONFIG = Kubeconfig.forServiceAccount(
                    "https://10.96.0.1:443", TestCertificates.selfSigned().certificatePemBytes(), "remote-t0ken")
            .withProxyUrl("socks5://c1-tunnel-server.team-a.svc:1080")
            .toYaml();

    private final AtomicBoolean agentConnected = new AtomicBoolean();
    private final AtomicInteger probes = new AtomicInteger();
    private ConnectorReconciler reconciler;

    @BeforeEach
    void startApi() throws IOException {
        api = LocalApi.start(false);
        client = api.newClient();
        for (String crd : new String[] {"tunnelconnectors", "tunnelgateways"}) {
            client.load(Files.newInputStream(Path.of("deploy/crds/" + crd + ".kubetunnel.d2iq.io-v1.yml")))
                    .create();
        }
        fakeTunnelServerStatus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeTunnelServerStatus.createContext("/status", exchange -> {
            byte[] body = ("{\"agentConnected\":" + agentConnected.get() + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        fakeTunnelServerStatus.start();
        URI statusBase = URI.create(
                "http://127.0.0.1:" + fakeTunnelServerStatus.getAddress().getPort());
        ServiceAddressResolver loopback = (namespace, service, port) ->
                service.endsWith("-tunnel-server") ? statusBase : URI.create("http://127.0.0.1:1");
        Clock clock = Clock.systemUTC();
        reconciler = new ConnectorReconciler(
                client,
                ObjectCache.NONE,
                ControllerSettings.defaults(),
                new ComponentStatusClient(loopback),
                (key, kubeconfig) -> {
                    probes.incrementAndGet();
                    return new ConnectorFacts.ProbeResult(true, "RemoteApiReachable", "GET /version answered");
                },
                new ConnectorStatusWriter(client, new EventRecorder(client, clock), clock));
    }

    @AfterEach
    void stopApi() {
        fakeTunnelServerStatus.stop(0);
        client.close();
        api.close();
    }

    private TunnelGateway createGateway() {
        TunnelGateway gateway = ConnectorFixtures.gateway(NS, "gw", "tunnel.example.com", "/kt", null);
        gateway.getSpec()
                .getIngress()
                .setLoadBalancer(new LoadBalancerIngressBuilder()
                        .withHostname("lb.example.com")
                        .build());
        return client.resource(gateway).create();
    }

    private void createConnector(String name, Integer proxyPort) {
        TunnelConnector connector = ConnectorFixtures.connector(NS, name, "gw", proxyPort);
        connector.getMetadata().setUid(null);
        client.resource(connector).create();
    }

    private TunnelConnector connector(String name) {
        return client.resources(TunnelConnector.class)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    /** Creates or overwrites Secret {@code <name>-kubeconfig}, as the webhook does, or as anyone who may write it could. */
    private void writeKubeconfigSecret(String name, String kubeconfig) {
        client.resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(NS)
                        .withName(name + "-kubeconfig")
                        .endMetadata()
                        .addToData(
                                "kubeconfig",
                                Base64.getEncoder().encodeToString(kubeconfig.getBytes(StandardCharsets.UTF_8)))
                        .build())
                .createOr(NonDeletingOperation::update);
    }

    private void markTunnelServerReady(String name) {
        Deployment deployment = client.apps()
                .deployments()
                .inNamespace(NS)
                .withName(name + "-tunnel-server")
                .get();
        deployment.setStatus(new DeploymentStatusBuilder()
                .withReplicas(1)
                .withReadyReplicas(1)
                .build());
        client.resource(deployment).updateStatus();
    }

    private String tokenOf(String name) {
        Secret token =
                client.secrets().inNamespace(NS).withName(name + "-agent-token").get();
        return new String(Base64.getDecoder().decode(token.getData().get("token")), StandardCharsets.UTF_8);
    }

    private String manifestsOf(String name) {
        Secret manifests = client.secrets()
                .inNamespace(NS)
                .withName(name + "-agent-manifests")
                .get();
        return new String(
                Base64.getDecoder().decode(manifests.getData().get("manifests.yaml")), StandardCharsets.UTF_8);
    }

    @Test
    void createsEveryChildOwnedByTheConnectorAndStartsInStarting() {
        createGateway();
        createConnector("c1", 1090);

        ReconcileOutcome outcome = reconciler.reconcile(NS, "c1");

        assertThat(outcome.decision().state()).isEqualTo(TunnelConnectorState.Starting);
        String uid = connector("c1").getMetadata().getUid();
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems())
                .extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("c1-tunnel-server", "c1-kubeconfig-webhook");
        assertThat(client.services()
                        .inNamespace(NS)
                        .withName("c1-tunnel-server")
                        .get()
                        .getSpec()
                        .getPorts())
                .extracting(p -> p.getName() + ":" + p.getPort())
                .containsExactly("tunnel:8443", "proxy:1090", "management:8080");
        assertThat(client.network().v1().ingresses().inNamespace(NS).list().getItems())
                .hasSize(2)
                .allSatisfy(i -> assertThat(i.getMetadata().getOwnerReferences())
                        .singleElement()
                        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(uid)));
        assertThat(client.serviceAccounts().inNamespace(NS).withName("c1-agent").get())
                .isNotNull();
        assertThat(client.rbac().roles().inNamespace(NS).withName("c1-agent").get())
                .isNotNull();
        assertThat(client.rbac()
                        .roleBindings()
                        .inNamespace(NS)
                        .withName("c1-agent")
                        .get())
                .isNotNull();
        assertThat(client.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(NS)
                        .list()
                        .getItems())
                .extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("c1-tunnel-server", "c1-kubeconfig-webhook");
        assertThat(client.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace(NS)
                        .list()
                        .getItems())
                .allSatisfy(p -> assertThat(p.getMetadata().getOwnerReferences())
                        .singleElement()
                        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(uid)));
        assertThat(connector("c1")
                        .getStatus()
                        .getTunnelServer()
                        .getDeploymentRef()
                        .getName())
                .isEqualTo("c1-tunnel-server");
        assertThat(connector("c1").getStatus().getGatewayObservedGeneration()).isNotNull();
    }

    @Test
    void walksStartingListeningPendingConnectedFromObservedFacts() {
        createGateway();
        createConnector("c1", null);
        reconciler.reconcile(NS, "c1");
        markTunnelServerReady("c1");

        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Listening);
        Secret manifests =
                client.secrets().inNamespace(NS).withName("c1-agent-manifests").get();
        String yaml = new String(
                Base64.getDecoder().decode(manifests.getData().get("manifests.yaml")), StandardCharsets.UTF_8);
        // the gateway's host, which the Ingress rules match, not the load balancer's name (docs/operations.md, "Where
        // the agent dials")
        assertThat(yaml)
                .contains(
                        "wss://tunnel.example.com/kt/team-a/c1/tunnel-server",
                        "https://tunnel.example.com/kt/team-a/c1/kubeconfig")
                .doesNotContain("hostAliases");
        assertThat(connector("c1")
                        .getStatus()
                        .getTunnelAgent()
                        .getManifestsRef()
                        .getName())
                .isEqualTo("c1-agent-manifests");

        agentConnected.set(true);
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Pending);

        // the empty Secret the controller created is not a registration
        assertThat(client.secrets().inNamespace(NS).withName("c1-kubeconfig").get())
                .isNotNull();
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Pending);
        writeKubeconfigSecret("c1", VALID_KUBECONFIG);
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Connected);

        agentConnected.set(false);
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Disconnected);
        assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .extracting(e -> e.getReason())
                .contains("Starting", "Listening", "Pending", "Connected", "Disconnected");
    }

    @Test
    void aRegistrationPostedBeforeTheAgentsFirstConnectionStaysListeningUntilTheAgentConnects() {
        createGateway();
        createConnector("c1", null);
        reconciler.reconcile(NS, "c1");
        markTunnelServerReady("c1");
        writeKubeconfigSecret("c1", VALID_KUBECONFIG);

        StateDecision beforeTheAgent = reconciler.reconcile(NS, "c1").decision();
        assertThat(beforeTheAgent.state()).isEqualTo(TunnelConnectorState.Listening);
        assertThat(beforeTheAgent.reason()).isEqualTo("AgentNotConnected");

        agentConnected.set(true);
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Connected);
        agentConnected.set(false);
        assertThat(reconciler.reconcile(NS, "c1").decision().reason()).isEqualTo("AgentDisconnected");
        assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .extracting(e -> e.getReason())
                .doesNotContain("Pending")
                .containsSubsequence("Listening", "Connected", "Disconnected");
    }

    @Test
    void aKubeconfigSecretWithADangerousFieldIsNeverProbedFailsNamingTheFieldAndHealsWhenValidAgain() {
        createGateway();
        createConnector("c1", null);
        reconciler.reconcile(NS, "c1");
        markTunnelServerReady("c1");
        agentConnected.set(true);
        writeKubeconfigSecret("c1", VALID_KUBECONFIG);
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Connected);

        for (HostileKubeconfig hostile : HostileKubeconfig.all(Path.of("/tmp/never-written"))) {
            writeKubeconfigSecret("c1", hostile.applyTo(VALID_KUBECONFIG));
            int probesBefore = probes.get();

            StateDecision decision = reconciler.reconcile(NS, "c1").decision();

            assertThat(decision.state()).as(hostile.field()).isEqualTo(TunnelConnectorState.Failed);
            assertThat(decision.reason()).isEqualTo("KubeconfigRejected");
            assertThat(decision.message())
                    .contains("c1-kubeconfig", hostile.field() + " is ")
                    .doesNotContain("remote-t0ken");
            assertThat(probes.get()).as("probes with a refused kubeconfig").isEqualTo(probesBefore);
            Condition ready = connector("c1").getStatus().getConditions().stream()
                    .filter(c -> "Ready".equals(c.getType()))
                    .findFirst()
                    .orElseThrow();
            assertThat(ready.getReason()).isEqualTo("KubeconfigRejected");
            assertThat(ready.getMessage()).contains(hostile.field());
        }

        writeKubeconfigSecret("c1", VALID_KUBECONFIG);
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Connected);
    }

    @Test
    void aReconcileWithNothingChangedWritesNothing() {
        createGateway();
        createConnector("c1", 1080);
        reconciler.reconcile(NS, "c1");
        markTunnelServerReady("c1");
        reconciler.reconcile(NS, "c1");
        String statusVersion = connector("c1").getMetadata().getResourceVersion();

        ReconcileOutcome again = reconciler.reconcile(NS, "c1");

        assertThat(again.writes()).isZero();
        assertThat(connector("c1").getMetadata().getResourceVersion()).isEqualTo(statusVersion);
    }

    @Test
    void theConnectorTokenIsAnOpaqueSecretOfAtLeast32RandomBytesOfItsOwn() {
        createGateway();
        createConnector("c1", 1080);
        createConnector("c2", 1080);
        reconciler.reconcile(NS, "c1");
        reconciler.reconcile(NS, "c2");

        Secret secret =
                client.secrets().inNamespace(NS).withName("c1-agent-token").get();
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getMetadata().getAnnotations()).doesNotContainKey("kubernetes.io/service-account.name");
        assertThat(secret.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(owner -> assertThat(owner.getUid())
                        .isEqualTo(connector("c1").getMetadata().getUid()));
        assertThat(Base64.getUrlDecoder().decode(tokenOf("c1"))).hasSizeGreaterThanOrEqualTo(32);
        assertThat(tokenOf("c1")).isNotEqualTo(tokenOf("c2"));
        assertThat(manifestsOf("c1"))
                .contains(Base64.getEncoder().encodeToString(tokenOf("c1").getBytes(StandardCharsets.UTF_8)));

        String first = tokenOf("c1");
        reconciler.reconcile(NS, "c1");
        assertThat(tokenOf("c1")).as("a reconcile keeps the token").isEqualTo(first);
    }

    @Test
    void aServiceAccountTokenSecretOfAnEarlierReleaseBecomesOpaqueWithTheSameTokenAndTheConnectorStaysConnected() {
        createGateway();
        createConnector("c1", 1080);
        reconciler.reconcile(NS, "c1");
        markTunnelServerReady("c1");
        agentConnected.set(true);
        writeKubeconfigSecret("c1", VALID_KUBECONFIG);
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Connected);
        // what an earlier release left: the token controller's Secret holding the ServiceAccount's JWT
        String jwt = "eyJhbGciOiJSUzI1NiJ9.earlier-release.signature";
        Secret earlier =
                client.secrets().inNamespace(NS).withName("c1-agent-token").get();
        client.resource(earlier).delete();
        client.resource(new SecretBuilder()
                        .withMetadata(new ObjectMetaBuilder()
                                .withNamespace(NS)
                                .withName("c1-agent-token")
                                .withLabels(earlier.getMetadata().getLabels())
                                .withOwnerReferences(earlier.getMetadata().getOwnerReferences())
                                .withAnnotations(Map.of("kubernetes.io/service-account.name", "c1-agent"))
                                .build())
                        .withType("kubernetes.io/service-account-token")
                        .addToData("token", Base64.getEncoder().encodeToString(jwt.getBytes(StandardCharsets.UTF_8)))
                        .build())
                .create();

        ReconcileOutcome migrated = reconciler.reconcile(NS, "c1");

        assertThat(migrated.decision().state()).isEqualTo(TunnelConnectorState.Connected);
        Secret after =
                client.secrets().inNamespace(NS).withName("c1-agent-token").get();
        assertThat(after.getType()).isEqualTo("Opaque");
        assertThat(after.getMetadata().getAnnotations()).doesNotContainKey("kubernetes.io/service-account.name");
        assertThat(tokenOf("c1")).isEqualTo(jwt);
        assertThat(manifestsOf("c1"))
                .contains(Base64.getEncoder().encodeToString(jwt.getBytes(StandardCharsets.UTF_8)));
        assertThat(reconciler.reconcile(NS, "c1").writes()).as("migrated once").isZero();
    }

    @Test
    void theKubeconfigSecretIsCreatedEmptyAndItsRegistrationSurvivesReconciles() {
        createGateway();
        createConnector("c1", 1080);
        reconciler.reconcile(NS, "c1");

        Secret empty =
                client.secrets().inNamespace(NS).withName("c1-kubeconfig").get();
        assertThat(empty.getType()).isEqualTo("Opaque");
        assertThat(empty.getData()).isNullOrEmpty();
        assertThat(empty.getMetadata().getLabels())
                .containsEntry("kubetunnel.d2iq.io/tunnel-connector", "c1")
                .containsEntry("app.kubernetes.io/component", "kubeconfig");
        assertThat(empty.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(owner -> assertThat(owner.getUid())
                        .isEqualTo(connector("c1").getMetadata().getUid()));

        client.secrets()
                .inNamespace(NS)
                .withName("c1-kubeconfig")
                .edit(secret -> new SecretBuilder(secret)
                        .editMetadata()
                        .withLabels(Map.of("kubetunnel.d2iq.io/tunnel-connector", "c1"))
                        .addToAnnotations("kubetunnel.d2iq.io/registered-at", "2026-01-01T00:00:00Z")
                        .endMetadata()
                        .addToData("kubeconfig", "YXBpVmVyc2lvbjogdjE=")
                        .build());
        reconciler.reconcile(NS, "c1");

        Secret kept = client.secrets().inNamespace(NS).withName("c1-kubeconfig").get();
        assertThat(kept.getMetadata().getLabels())
                .as("labels restored")
                .containsEntry("app.kubernetes.io/component", "kubeconfig");
        assertThat(kept.getData()).containsEntry("kubeconfig", "YXBpVmVyc2lvbjogdjE=");
        assertThat(kept.getMetadata().getAnnotations())
                .containsEntry("kubetunnel.d2iq.io/registered-at", "2026-01-01T00:00:00Z");
    }

    @Test
    void aChildCacheThatLagsTheServerCostsARereadNotAWrongWrite() {
        createGateway();
        createConnector("c1", 1080);
        reconciler.reconcile(NS, "c1");
        // the cache saw an older tunnel-server Service (one label different) and none of the other children yet
        Service seen =
                client.services().inNamespace(NS).withName("c1-tunnel-server").get();
        seen.getMetadata().getLabels().put("kubetunnel.d2iq.io/tunnel-connector", "someone-else");
        client.services()
                .inNamespace(NS)
                .withName("c1-tunnel-server")
                .edit(s -> new ServiceBuilder(s)
                        .editMetadata()
                        .addToAnnotations("example.com/note", "kept")
                        .endMetadata()
                        .build());
        ObjectCache lagging = new ObjectCache() {
            @Override
            public boolean covers(Class<? extends HasMetadata> type, String namespace) {
                return true;
            }

            @Override
            public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
                return type == Service.class && name.equals("c1-tunnel-server")
                        ? type.cast(Serialization.clone(seen))
                        : null;
            }

            @Override
            public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
                return List.of();
            }
        };
        Clock clock = Clock.systemUTC();
        ConnectorReconciler cached = new ConnectorReconciler(
                client,
                lagging,
                ControllerSettings.defaults(),
                new ComponentStatusClient((namespace, service, port) -> URI.create("http://127.0.0.1:1")),
                (key, kubeconfig) -> null,
                new ConnectorStatusWriter(client, new EventRecorder(client, clock), clock));

        ReconcileOutcome outcome = cached.reconcile(NS, "c1");

        // creates of children the cache did not show met 409 and were re-read; the stale Service's update met 409 and
        // was re-read
        assertThat(outcome.writes()).isZero();
        Service after =
                client.services().inNamespace(NS).withName("c1-tunnel-server").get();
        assertThat(after.getMetadata().getLabels()).containsEntry("kubetunnel.d2iq.io/tunnel-connector", "c1");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("example.com/note", "kept");
    }

    @Test
    void restoresAChildDeletedOrEditedByHand() {
        createGateway();
        createConnector("c1", 1080);
        reconciler.reconcile(NS, "c1");
        client.services().inNamespace(NS).withName("c1-tunnel-server").delete();
        Deployment webhook = client.apps()
                .deployments()
                .inNamespace(NS)
                .withName("c1-kubeconfig-webhook")
                .get();
        webhook.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("evil:latest");
        client.resource(webhook).update();

        ReconcileOutcome outcome = reconciler.reconcile(NS, "c1");

        assertThat(outcome.writes()).isEqualTo(2);
        assertThat(client.services()
                        .inNamespace(NS)
                        .withName("c1-tunnel-server")
                        .get())
                .isNotNull();
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("c1-kubeconfig-webhook")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo(ControllerSettings.DEFAULT_IMAGE);
    }

    @Test
    void aConnectorBeforeItsGatewayFailsWithTheFieldAndHealsWhenTheGatewayAppears() {
        createConnector("c1", 1080);

        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Failed);
        Condition ready = connector("c1").getStatus().getConditions().get(0);
        assertThat(ready.getReason()).isEqualTo("GatewayNotFound");
        assertThat(ready.getMessage()).contains("spec.gatewayRef.name");
        assertThat(client.apps().deployments().inNamespace(NS).list().getItems())
                .isEmpty();

        createGateway();
        assertThat(reconciler.reconcile(NS, "c1").decision().state()).isEqualTo(TunnelConnectorState.Starting);
    }

    @Test
    void aGatewayEditChangesIngressesAndObservedGeneration() {
        TunnelGateway gateway = createGateway();
        createConnector("c1", 1080);
        reconciler.reconcile(NS, "c1");

        gateway = client.resources(TunnelGateway.class)
                .inNamespace(NS)
                .withName("gw")
                .get();
        gateway.getSpec().getIngress().setUrlPathPrefix("/new");
        gateway.getSpec().getIngress().setExtraAnnotations(Map.of("a", "b"));
        gateway.getMetadata().setGeneration(2L);
        client.resource(gateway).update();
        reconciler.reconcile(NS, "c1");

        var ingress = client.network()
                .v1()
                .ingresses()
                .inNamespace(NS)
                .withName("c1-tunnel-server")
                .get();
        assertThat(ingress.getSpec()
                        .getRules()
                        .get(0)
                        .getHttp()
                        .getPaths()
                        .get(0)
                        .getPath())
                .isEqualTo("/new/team-a/c1/tunnel-server");
        assertThat(ingress.getMetadata().getAnnotations())
                .containsOnly(Map.entry("a", "b"), Map.entry(ComponentWorkload.EXTRA_ANNOTATIONS_ANNOTATION, "a"));
        assertThat(connector("c1").getStatus().getGatewayObservedGeneration()).isEqualTo(2L);
    }

    @Test
    void anAnnotationRemovedFromTheGatewayIsRemovedFromTheIngresses() {
        TunnelGateway gateway = createGateway();
        createConnector("c1", 1080);
        reconciler.reconcile(NS, "c1");
        assertThat(client.network()
                        .v1()
                        .ingresses()
                        .inNamespace(NS)
                        .withName("c1-kubeconfig-webhook")
                        .get()
                        .getMetadata()
                        .getAnnotations())
                .containsKey("nginx.ingress.kubernetes.io/proxy-read-timeout");

        gateway = client.resources(TunnelGateway.class)
                .inNamespace(NS)
                .withName("gw")
                .get();
        gateway.getSpec().getIngress().setExtraAnnotations(null);
        client.resource(gateway).update();
        reconciler.reconcile(NS, "c1");

        assertThat(client.network()
                        .v1()
                        .ingresses()
                        .inNamespace(NS)
                        .withName("c1-kubeconfig-webhook")
                        .get()
                        .getMetadata()
                        .getAnnotations())
                .containsOnly(Map.entry(ComponentWorkload.EXTRA_ANNOTATIONS_ANNOTATION, ""));
    }

    @Test
    void deletingTheConnectorRemovesItsChildren() {
        createGateway();
        createConnector("c1", 1080);
        createConnector("c2", 1080);
        reconciler.reconcile(NS, "c1");
        reconciler.reconcile(NS, "c2");

        client.resources(TunnelConnector.class).inNamespace(NS).withName("c1").delete();
        reconciler.reconcile(NS, "c1");

        assertThat(client.apps().deployments().inNamespace(NS).list().getItems())
                .extracting(d -> d.getMetadata().getName())
                .containsExactlyInAnyOrder("c2-tunnel-server", "c2-kubeconfig-webhook");
        assertThat(client.secrets()
                        .inNamespace(NS)
                        .withLabel("kubetunnel.d2iq.io/tunnel-connector", "c1")
                        .list()
                        .getItems())
                .isEmpty();
    }
}
