package io.d2iq.kubetunnel.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.controller.ControllerApplication;
import io.d2iq.kubetunnel.controller.ControllerOptions;
import io.d2iq.kubetunnel.model.AgentAccess;
import io.d2iq.kubetunnel.model.ConnectorFixtures;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.model.ServiceAccountTokenSecret;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the controller through a connector's life against the embedded API, records every request it makes,
 * and compares the permissions they need with deploy/clusterrole.yaml and deploy/leader-election-role.yaml.
 */
class ControllerRbacIT {

    private static final String NS = "team-a";
    private static final String LEASE_NS = "kubetunnel-system";
    private static final String CONTROLLER_AGENT = "kubetunnel-controller-rbac-it";

    private final RecordingDispatcher dispatcher =
            new RecordingDispatcher(new KubernetesCrudDispatcher(), CONTROLLER_AGENT);
    private final KubernetesMockServer server =
            new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    private KubernetesClient admin;
    private KubernetesClient controllerClient;

    @BeforeEach
    void startApi() {
        server.init();
        admin = server.createClient();
        admin.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelConnector.class)
                        .build())
                .create();
        admin.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(CustomResourceDefinitionContext.v1CRDFromCustomResourceType(TunnelGateway.class)
                        .build())
                .create();
        Config config = new ConfigBuilder(admin.getConfiguration())
                .withUserAgent(CONTROLLER_AGENT)
                .build();
        controllerClient = new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterEach
    void stopApi() {
        controllerClient.close();
        admin.close();
        server.destroy();
    }

    @Test
    void theShippedRbacGrantsExactlyTheCallsTheControllerMakes() throws Exception {
        ControllerOptions options = new ControllerOptions(
                Path.of("routes"),
                ControllerSettings.defaults(),
                "",
                Duration.ofSeconds(60),
                2,
                0,
                new ControllerOptions.LeaderElection(LEASE_NS, "kubetunnel", "controller-0", Duration.ofSeconds(4)),
                false);
        try (ControllerApplication controller = new ControllerApplication(
                controllerClient, options, (namespace, service, port) -> URI.create("http://127.0.0.1:1"))) {
            controller.start();
            exerciseAConnectorsLife();
            // a fast run can end before the leader's first renewal; the shipped Role grants it, so wait for one
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> dispatcher.calls().stream()
                            .map(call -> ApiPermission.of(call.method(), call.path()))
                            .flatMap(Optional::stream)
                            .anyMatch(permission -> permission.rule().equals("coordination.k8s.io leases patch")));
        }

        List<ApiPermission> used = dispatcher.calls().stream()
                .map(call -> ApiPermission.of(call.method(), call.path()))
                .flatMap(Optional::stream)
                .toList();
        Set<String> usedRules = used.stream().map(ApiPermission::rule).collect(Collectors.toCollection(TreeSet::new));
        Set<String> granted = new TreeSet<>();
        granted.addAll(
                rules(Serialization.unmarshal(Files.readString(Path.of("deploy/clusterrole.yaml")), ClusterRole.class)
                        .getRules()));
        Role leaderElection = Serialization.unmarshal(
                Files.readString(Path.of("deploy/leader-election-role.yaml")).split("\n---\n")[0], Role.class);
        Set<String> leaderElectionRules = new TreeSet<>(rules(leaderElection.getRules()));
        granted.addAll(leaderElectionRules);
        // Kubernetes refuses to create a Role that grants more than its creator holds
        Set<String> heldToGrant =
                new TreeSet<>(rules(AgentAccess.role(ConnectorFixtures.connector(NS, "c1", "gw", 1080))
                        .getRules()));
        heldToGrant.removeAll(usedRules);
        // children are read from the informers' caches; get stays granted on every watched kind for the re-read after
        // a conflict (a cache that lags) and for reads before a cache has synced
        Set<String> cacheFallbackReads = usedRules.stream()
                .filter(rule -> rule.endsWith(" list"))
                .map(rule -> rule.substring(0, rule.length() - " list".length()) + " get")
                .collect(Collectors.toCollection(TreeSet::new));
        cacheFallbackReads.removeAll(usedRules);

        assertThat(granted).containsAll(usedRules);
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(usedRules);
        unused.removeAll(cacheFallbackReads);
        assertThat(unused)
                .as("granted but never called nor needed to grant the agent's Role")
                .isSubsetOf(heldToGrant);
        assertThat(used)
                .filteredOn(p -> leaderElectionRules.contains(p.rule()))
                .as("leader election stays in its namespace")
                .allMatch(p -> LEASE_NS.equals(p.namespace()));
    }

    /**
     * Creates, fails, fixes, edits by hand, repairs and deletes a connector, so every call the controller
     * can make runs: get/list/watch, create, update of every child type, the replacement of an earlier release's
     * token Secret, delete of an Ingress that is no longer wanted, deletes of a deleted connector's children,
     * status updates, Events, the Lease.
     */
    private void exerciseAConnectorsLife() {
        // an earlier release's token Secret, which the controller replaces (delete, create) by an Opaque one
        admin.resource(ServiceAccountTokenSecret.of(
                        new ObjectMetaBuilder()
                                .withNamespace(NS)
                                .withName(ConnectorResources.agentTokenSecretName("c1"))
                                .build(),
                        ConnectorResources.agentServiceAccountName("c1")))
                .create();
        admin.secrets()
                .inNamespace(NS)
                .withName(ConnectorResources.agentTokenSecretName("c1"))
                .edit(secret -> new SecretBuilder(secret)
                        .addToData(ConnectorResources.TOKEN_KEY, "ZWFybGllcg==")
                        .build());
        TunnelConnector c1 = ConnectorFixtures.connector(NS, "c1", "gw", 1080);
        c1.getMetadata().setUid(null);
        admin.resource(c1).create();
        await().ignoreExceptions()
                .atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(connector("c1").getStatus().getState()).isEqualTo(TunnelConnectorState.Failed));

        admin.resource(ConnectorFixtures.gateway(NS, "gw", "kubetunnel.example.com", "/tunnels", null))
                .create();
        await().ignoreExceptions().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(connector("c1").getStatus().getState()).isEqualTo(TunnelConnectorState.Starting);
            assertThat(admin.network().v1().ingresses().inNamespace(NS).list().getItems())
                    .hasSize(2);
            assertThat(admin.secrets()
                            .inNamespace(NS)
                            .withName(ConnectorResources.agentTokenSecretName("c1"))
                            .get()
                            .getType())
                    .isEqualTo("Opaque");
        });

        List<Class<? extends HasMetadata>> childTypes = List.of(
                Deployment.class,
                Service.class,
                Ingress.class,
                NetworkPolicy.class,
                ServiceAccount.class,
                Role.class,
                RoleBinding.class,
                Secret.class);
        for (Class<? extends HasMetadata> type : childTypes) {
            HasMetadata child = admin.resources(type)
                    .inNamespace(NS)
                    .withLabel(ConnectorResources.CONNECTOR_LABEL, "c1")
                    .list()
                    .getItems()
                    .get(0);
            String name = child.getMetadata().getName();
            child.getMetadata().setLabels(Map.of(ConnectorResources.CONNECTOR_LABEL, "c1"));
            admin.resource(child).update();
            await().ignoreExceptions()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(admin.resources(type)
                                    .inNamespace(NS)
                                    .withName(name)
                                    .get()
                                    .getMetadata()
                                    .getLabels())
                            .hasSizeGreaterThan(1));
        }

        admin.resource(ConnectorFixtures.gatewayWithoutIngress(NS, "gw")).update();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(admin.network()
                                .v1()
                                .ingresses()
                                .inNamespace(NS)
                                .list()
                                .getItems())
                        .isEmpty());

        admin.resources(TunnelConnector.class).inNamespace(NS).withName("c1").delete();
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(admin.apps()
                                .deployments()
                                .inNamespace(NS)
                                .list()
                                .getItems())
                        .isEmpty());
    }

    private TunnelConnector connector(String name) {
        return admin.resources(TunnelConnector.class)
                .inNamespace(NS)
                .withName(name)
                .get();
    }

    /** "group resource verb" for every combination a list of rules grants. */
    private static Set<String> rules(Collection<PolicyRule> rules) {
        Set<String> expanded = new TreeSet<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        expanded.add((group.isEmpty() ? "core" : group) + " " + resource + " " + verb);
                    }
                }
            }
        }
        return expanded;
    }
}
