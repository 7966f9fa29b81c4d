package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewayIngressSpec;
import io.d2iq.kubetunnel.kubeconfig.InvalidKubeconfigException;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.model.AgentAccess;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ComponentWorkload;
import io.d2iq.kubetunnel.model.ConnectorEndpoints;
import io.d2iq.kubetunnel.model.ConnectorInputs;
import io.d2iq.kubetunnel.model.ConnectorNetworkPolicies;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.d2iq.kubetunnel.model.ConnectorSpecValidator;
import io.d2iq.kubetunnel.model.ConnectorToken;
import io.d2iq.kubetunnel.model.ConnectorWorkloads;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.model.SpecProblem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one connector's children and status in line with its spec and gateway, in five steps that each return
 * a value: read the inputs (the connector from the server, the rest from the informer caches where the controller
 * holds them), apply the children, observe (the components' reports, the registration, the remote probe), decide
 * ({@link StateDecision}), write status. Writes only what differs and is safe to run any number of times; the work
 * queue guarantees it never runs twice at once for the same connector.
 */
public final class ConnectorReconciler {

    /** How soon to look again while a fact can change without a watch event (agent, registration, probe). */
    static final Duration POLL_WHILE_SETTLING = Duration.ofSeconds(2);
    /** How soon to look again at a connected or disconnected tunnel: state must follow reality within seconds. */
    static final Duration POLL_WHILE_STEADY = Duration.ofSeconds(5);
    /** Reason of a connector whose kubeconfig Secret holds something the parser refuses. */
    public static final String KUBECONFIG_REJECTED = "KubeconfigRejected";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorReconciler.class);

    /** The states that a connector reaches only after its agent's first connection. */
    private static final Set<TunnelConnectorState> AFTER_FIRST_CONNECTION =
            EnumSet.of(TunnelConnectorState.Pending, TunnelConnectorState.Connected, TunnelConnectorState.Disconnected);

    /** The kinds of a connector's children, each labelled with the connector's name. */
    private static final List<Class<? extends HasMetadata>> CHILD_KINDS = List.of(
            Deployment.class,
            Service.class,
            Ingress.class,
            NetworkPolicy.class,
            Secret.class,
            ServiceAccount.class,
            Role.class,
            RoleBinding.class);

    private final KubernetesClient client;
    private final ObjectCache cache;
    private final ResourceApplier applier;
    private final ControllerSettings settings;
    private final ComponentStatusClient components;
    private final RemoteApiProbe remoteProbe;
    private final ConnectorStatusWriter statusWriter;

    /** @param cache where the gateway and the children are read from when it holds them ({@link ObjectCache#NONE}: the API server) */
    public ConnectorReconciler(
            KubernetesClient client,
            ObjectCache cache,
            ControllerSettings settings,
            ComponentStatusClient components,
            RemoteApiProbe remoteProbe,
            ConnectorStatusWriter statusWriter) {
        this.client = client;
        this.cache = cache;
        this.applier = new ResourceApplier(client, cache);
        this.settings = settings;
        this.components = components;
        this.remoteProbe = remoteProbe;
        this.statusWriter = statusWriter;
    }

    /** Reconciles the connector with work-queue key {@code namespace/name}. */
    public ReconcileOutcome reconcile(String key) {
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            throw new IllegalArgumentException("connector key must be namespace/name: " + key);
        }
        return reconcile(key.substring(0, slash), key.substring(slash + 1));
    }

    /**
     * Reconciles the connector {@code namespace/name}, top-down: read the inputs, apply the children, observe what
     * cannot be read from the API server (the components' reports, the remote API), decide the state, write status.
     */
    public ReconcileOutcome reconcile(String namespace, String name) {
        long started = System.nanoTime();
        TunnelConnector connector = readConnector(namespace, name);
        if (connector == null) {
            remoteProbe.forget(ConnectorKeys.of(namespace, name));
            int deleted = deleteChildren(namespace, name);
            return ReconcileOutcome.deleted(namespace, name, deleted, System.nanoTime() - started);
        }
        ConnectorInputs inputs = readInputs(connector);
        Optional<SpecProblem> problem = ConnectorSpecValidator.firstProblem(inputs);
        ConnectorFacts facts;
        long writes;
        if (problem.isPresent()) {
            facts = ConnectorFacts.invalid(problem.get());
            writes = 0;
        } else {
            AppliedChildren applied = applyChildren(inputs);
            facts = observe(inputs, applied);
            writes = applied.writes();
        }
        StateDecision decision = StateDecision.from(facts, ConnectorResources.agentManifestsSecretName(name));
        TunnelConnectorState previous = statusWriter.write(connector, inputs, facts, decision);
        return new ReconcileOutcome(
                namespace, name, previous, decision, writes, requeueAfter(decision), System.nanoTime() - started);
    }

    /** What applying the children did, and what the observing steps read from the result. */
    private record AppliedChildren(long writes, Deployment tunnelServer) {}

    /** What the tunnel server and the webhook report about the agent and its registration. */
    private record ComponentReports(
            boolean tunnelServerReady, boolean agentConnected, ConnectorFacts.Problem registrationError) {}

    /** The kubeconfig Secret as the controller sees it: empty, a kubeconfig it will use, or one it refuses. */
    private record Registration(boolean present, Kubeconfig kubeconfig, ConnectorFacts.Problem rejected) {}

    /**
     * The connector itself, always from the server: its status is what the status step compares against and its
     * resourceVersion what the status update carries, so a lagging cache would mean duplicate writes and conflicts.
     */
    private TunnelConnector readConnector(String namespace, String name) {
        return client.resources(TunnelConnector.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
    }

    /** Step 1: what the children depend on (gateway, CA, token, external address). */
    private ConnectorInputs readInputs(TunnelConnector connector) {
        String namespace = connector.getMetadata().getNamespace();
        String name = connector.getMetadata().getName();
        TunnelGateway gateway = connector.getSpec() == null
                        || connector.getSpec().getGatewayRef() == null
                        || connector.getSpec().getGatewayRef().getName() == null
                ? null
                : read(
                        TunnelGateway.class,
                        namespace,
                        connector.getSpec().getGatewayRef().getName());
        TunnelGatewayIngressSpec ingress = gateway == null || gateway.getSpec() == null
                ? null
                : gateway.getSpec().getIngress();
        String ca = ingress == null || ingress.getCaSecretRef() == null
                ? null
                : caCertificate(namespace, ingress.getCaSecretRef());
        String stored =
                secretValue(namespace, ConnectorResources.agentTokenSecretName(name), ConnectorResources.TOKEN_KEY);
        String token = stored == null || stored.isEmpty() ? ConnectorToken.generate() : stored;
        String address = ingress == null ? null : externalAddress(namespace, name, ingress);
        return new ConnectorInputs(connector, gateway, ca, token, address);
    }

    /**
     * An object from the informer cache when it holds it, else from the server. A label-selected cache lacks what
     * we did not label (a user's CA Secret), and a fresh cache may not have an object yet: both read as "ask".
     */
    private <T extends HasMetadata> T read(Class<T> type, String namespace, String name) {
        T cached = cache.covers(type, namespace) ? cache.get(type, namespace, name) : null;
        return cached != null
                ? cached
                : client.resources(type).inNamespace(namespace).withName(name).get();
    }

    private String caCertificate(String connectorNamespace, ObjectReference ref) {
        if (ref.getName() == null || ref.getName().isBlank()) {
            return null;
        }
        String namespace =
                ref.getNamespace() == null || ref.getNamespace().isBlank() ? connectorNamespace : ref.getNamespace();
        return secretValue(namespace, ref.getName(), ConnectorResources.CA_KEY);
    }

    /** A Secret's value, or null. */
    private String secretValue(String namespace, String secretName, String key) {
        Secret secret = read(Secret.class, namespace, secretName);
        if (secret == null) {
            return null;
        }
        if (secret.getData() != null && secret.getData().get(key) != null) {
            return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
        }
        return secret.getStringData() == null ? null : secret.getStringData().get(key);
    }

    /** {@code spec.ingress.loadBalancer} when set, else the tunnel server Ingress status; null while unknown. */
    private String externalAddress(String namespace, String name, TunnelGatewayIngressSpec ingressSpec) {
        LoadBalancerIngress configured = ingressSpec.getLoadBalancer();
        if (configured != null) {
            Integer port =
                    configured.getPorts() == null || configured.getPorts().isEmpty()
                            ? null
                            : configured.getPorts().get(0).getPort();
            return hostAndPort(configured.getHostname(), configured.getIp(), port);
        }
        Ingress ingress = read(Ingress.class, namespace, ConnectorResources.tunnelServerName(name));
        if (ingress == null
                || ingress.getStatus() == null
                || ingress.getStatus().getLoadBalancer() == null
                || ingress.getStatus().getLoadBalancer().getIngress() == null
                || ingress.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            return null;
        }
        IngressLoadBalancerIngress observed =
                ingress.getStatus().getLoadBalancer().getIngress().get(0);
        Integer port = observed.getPorts() == null || observed.getPorts().isEmpty()
                ? null
                : observed.getPorts().get(0).getPort();
        return hostAndPort(observed.getHostname(), observed.getIp(), port);
    }

    /** {@code host} or {@code host:port}; the port is left out when it is HTTPS's default. */
    private static String hostAndPort(String hostname, String ip, Integer port) {
        String host = hostname != null && !hostname.isBlank() ? hostname : ip;
        if (host == null || host.isBlank()) {
            return null;
        }
        return port == null || port == 443 ? host : host + ":" + port;
    }

    /**
     * Step 2: makes every child what the inputs say, with the one apply verb. The agent manifests wait for an
     * external address ({@link ConnectorEndpoints}); until then they are left as they are.
     */
    private AppliedChildren applyChildren(ConnectorInputs inputs) {
        TunnelConnector connector = inputs.connector();
        String namespace = inputs.namespace();
        String name = inputs.name();
        List<ApplyResult> writes = new ArrayList<>();
        writes.add(applier.apply(
                        ServiceAccount.class,
                        namespace,
                        ConnectorResources.agentServiceAccountName(name),
                        AgentAccess.serviceAccount(connector))
                .result());
        writes.add(applier.apply(
                        Role.class, namespace, ConnectorResources.agentRoleName(name), AgentAccess.role(connector))
                .result());
        writes.add(applier.apply(
                        RoleBinding.class,
                        namespace,
                        ConnectorResources.agentRoleBindingName(name),
                        AgentAccess.roleBinding(connector))
                .result());
        writes.add(applyConnectorToken(inputs));
        writes.add(applier.apply(
                        Secret.class,
                        namespace,
                        ConnectorResources.kubeconfigSecretName(name),
                        AgentAccess.kubeconfigSecret(connector))
                .result());
        AppliedWorkload tunnelServer = applyWorkload(ConnectorWorkloads.tunnelServer(inputs), inputs);
        writes.addAll(tunnelServer.results());
        writes.addAll(applyWorkload(ConnectorWorkloads.kubeconfigWebhook(inputs), inputs)
                .results());
        writes.add(applier.apply(
                        NetworkPolicy.class,
                        namespace,
                        ConnectorResources.tunnelServerName(name),
                        ConnectorNetworkPolicies.tunnelServer(inputs, settings))
                .result());
        writes.add(applier.apply(
                        NetworkPolicy.class,
                        namespace,
                        ConnectorResources.kubeconfigWebhookName(name),
                        ConnectorNetworkPolicies.kubeconfigWebhook(inputs, settings))
                .result());
        ConnectorEndpoints endpoints = ConnectorEndpoints.of(inputs);
        if (endpoints != null) {
            writes.add(applier.apply(
                            Secret.class,
                            namespace,
                            ConnectorResources.agentManifestsSecretName(name),
                            AgentManifests.secret(inputs, settings, endpoints))
                    .result());
        }
        return new AppliedChildren(writes.stream().filter(ApplyResult::wrote).count(), tunnelServer.deployment());
    }

    /** Step 3: the facts the state follows from: the children, the components' reports, the registration, the probe. */
    private ConnectorFacts observe(ConnectorInputs inputs, AppliedChildren applied) {
        String waitingFor = ConnectorEndpoints.of(inputs) == null
                ? "an address in the status of Ingress " + ConnectorResources.tunnelServerName(inputs.name())
                        + " (or set spec.ingress.loadBalancer on the TunnelGateway)"
                : null;
        ComponentReports reports = readComponentReports(inputs, applied.tunnelServer());
        Registration registration = readRegistration(inputs);
        ConnectorFacts.ProbeResult probe = probeRemoteApi(inputs, reports, registration);
        return new ConnectorFacts(
                null,
                waitingFor,
                reports.tunnelServerReady(),
                reports.agentConnected(),
                reports.registrationError(),
                registration.present(),
                agentHasConnected(inputs.connector()),
                registration.rejected(),
                probe);
    }

    private static boolean agentHasConnected(TunnelConnector connector) {
        return connector.getStatus() != null
                && AFTER_FIRST_CONNECTION.contains(connector.getStatus().getState());
    }

    /** The tunnel server's and the webhook's {@code /status}; the tunnel server is asked only once it is ready. */
    private ComponentReports readComponentReports(ConnectorInputs inputs, Deployment tunnelServer) {
        boolean tunnelServerReady = isReady(tunnelServer);
        boolean agentConnected = tunnelServerReady && components.agentConnected(inputs.namespace(), inputs.name());
        ConnectorFacts.Problem registrationError =
                components.registrationError(inputs.namespace(), inputs.name()).orElse(null);
        return new ComponentReports(tunnelServerReady, agentConnected, registrationError);
    }

    /**
     * The kubeconfig Secret. The controller creates it empty, so "registered" is a kubeconfig in it, not the Secret's
     * existence; the kubeconfig is parsed on every read, not trusted because the webhook checked it: anyone who may
     * write the Secret could have.
     */
    private Registration readRegistration(ConnectorInputs inputs) {
        String secretName = ConnectorResources.kubeconfigSecretName(inputs.name());
        String stored = secretValue(inputs.namespace(), secretName, ConnectorResources.KUBECONFIG_KEY);
        if (stored == null || stored.isBlank()) {
            return new Registration(false, null, null);
        }
        try {
            return new Registration(true, KubeconfigParser.parse(stored), null);
        } catch (InvalidKubeconfigException e) {
            return new Registration(
                    true,
                    null,
                    new ConnectorFacts.Problem(
                            KUBECONFIG_REJECTED,
                            "Secret " + secretName + " holds a kubeconfig the controller will not use: "
                                    + e.getMessage()));
        }
    }

    /** A request to the remote API server through the tunnel, once an agent is connected and a kubeconfig usable. */
    private ConnectorFacts.ProbeResult probeRemoteApi(
            ConnectorInputs inputs, ComponentReports reports, Registration registration) {
        return reports.agentConnected() && registration.kubeconfig() != null
                ? remoteProbe.probe(inputs, registration.kubeconfig())
                : null;
    }

    /** When to look again without an event: while a fact can change unwatched (agent, registration, probe). */
    private static Duration requeueAfter(StateDecision decision) {
        return switch (decision.state()) {
            case Failed, Starting -> null;
            case Listening, Pending -> POLL_WHILE_SETTLING;
            case Connected, Disconnected -> POLL_WHILE_STEADY;
        };
    }

    /**
     * Applies the connector token Secret. An earlier release's token Secret is a service-account-token Secret,
     * whose type cannot be changed in place: it is deleted and created again as Opaque with the same token, so the
     * agents already running keep authenticating. The deleted Secret takes the JWT's validity on the management
     * API with it (a legacy ServiceAccount token is valid only while its Secret exists).
     */
    private ApplyResult applyConnectorToken(ConnectorInputs inputs) {
        String namespace = inputs.namespace();
        String secretName = ConnectorResources.agentTokenSecretName(inputs.name());
        Secret desired = ConnectorToken.secret(inputs.connector(), inputs.agentToken());
        Secret cached = cache.covers(Secret.class, namespace) ? cache.get(Secret.class, namespace, secretName) : null;
        // the cache may still show the old Secret after a migration: only the server's copy decides
        Secret current = cached == null || ConnectorToken.isLegacy(cached)
                ? client.secrets().inNamespace(namespace).withName(secretName).get()
                : cached;
        if (!ConnectorToken.isLegacy(current)) {
            return applier.apply(Secret.class, namespace, secretName, desired).result();
        }
        client.secrets().inNamespace(namespace).withName(secretName).delete();
        client.secrets().inNamespace(namespace).resource(desired).create();
        LOG.info(
                "connector={}/{} replaced service-account-token Secret {} by an Opaque Secret holding the same token",
                namespace,
                inputs.name(),
                secretName);
        return ApplyResult.UPDATED;
    }

    /** A workload's Deployment as the server has it after the apply, and what the apply did to each of its objects. */
    private record AppliedWorkload(Deployment deployment, List<ApplyResult> results) {}

    private AppliedWorkload applyWorkload(ComponentWorkload workload, ConnectorInputs inputs) {
        String namespace = inputs.namespace();
        TunnelConnector connector = inputs.connector();
        ResourceApplier.Applied<Deployment> deployment =
                applier.apply(Deployment.class, namespace, workload.name(), workload.deployment(connector, settings));
        ApplyResult service = applier.apply(Service.class, namespace, workload.name(), workload.service(connector))
                .result();
        ApplyResult ingress = applier.apply(
                        Ingress.class, namespace, workload.name(), workload.ingress(connector, inputs.ingressSpec()))
                .result();
        return new AppliedWorkload(deployment.object(), List.of(deployment.result(), service, ingress));
    }

    private static boolean isReady(Deployment deployment) {
        return deployment != null
                && deployment.getStatus() != null
                && deployment.getStatus().getReadyReplicas() != null
                && deployment.getStatus().getReadyReplicas() > 0;
    }

    /**
     * Removes what a deleted connector left. A real cluster's garbage collector does this through the
     * owner references too; doing it here keeps clusters without one (the embedded API) clean.
     */
    private int deleteChildren(String namespace, String name) {
        List<HasMetadata> children = new ArrayList<>();
        for (Class<? extends HasMetadata> kind : CHILD_KINDS) {
            children.addAll(client.resources(kind)
                    .inNamespace(namespace)
                    .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                    .list()
                    .getItems());
        }
        // One by one, by name: a collection delete whose label selector a server ignores would take other connectors'
        // children.
        children.forEach(child -> client.resource(child).withGracePeriod(0).delete());
        return children.size();
    }
}
