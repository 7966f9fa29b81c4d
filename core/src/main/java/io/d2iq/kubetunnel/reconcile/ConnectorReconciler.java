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
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one connector's children and status in line with its spec and gateway. Reads everything fresh,
 * writes only what differs, and is safe to run any number of times; the work queue guarantees it never
 * runs twice at once for the same connector.
 */
public final class ConnectorReconciler {

    /** How soon to look again while a fact can change without a watch event (agent, registration, probe). */
    static final Duration POLL_WHILE_SETTLING = Duration.ofSeconds(2);
    /** How soon to look again at a connected or disconnected tunnel: state must follow reality within seconds. */
    static final Duration POLL_WHILE_STEADY = Duration.ofSeconds(5);
    /** Reason of a connector whose kubeconfig Secret holds something the parser refuses. */
    public static final String KUBECONFIG_REJECTED = "KubeconfigRejected";

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorReconciler.class);

    private final KubernetesClient client;
    private final ObjectCache children;
    private final ResourceApplier applier;
    private final ControllerSettings settings;
    private final ComponentStatusClient components;
    private final RemoteApiProbe remoteProbe;
    private final ConnectorStatusWriter statusWriter;

    /** @param children where the connector's children are read from before being compared ({@link ObjectCache#NONE}: the API server) */
    public ConnectorReconciler(
            KubernetesClient client,
            ObjectCache children,
            ControllerSettings settings,
            ComponentStatusClient components,
            RemoteApiProbe remoteProbe,
            ConnectorStatusWriter statusWriter) {
        this.client = client;
        this.children = children;
        this.applier = new ResourceApplier(client, children);
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

    /** Reconciles the connector {@code namespace/name}. */
    public ReconcileOutcome reconcile(String namespace, String name) {
        long started = System.nanoTime();
        TunnelConnector connector = client.resources(TunnelConnector.class)
                .inNamespace(namespace)
                .withName(name)
                .get();
        if (connector == null) {
            remoteProbe.forget(ConnectorKeys.of(namespace, name));
            int deleted = deleteChildren(namespace, name);
            return ReconcileOutcome.deleted(namespace, name, deleted, System.nanoTime() - started);
        }
        ConnectorInputs inputs = readInputs(connector);
        Optional<SpecProblem> problem = ConnectorSpecValidator.firstProblem(inputs);
        List<ApplyResult> writes = new ArrayList<>();
        ConnectorFacts facts = problem.map(ConnectorFacts::invalid).orElseGet(() -> applyChildren(inputs, writes));
        StateDecision decision = StateDecision.from(facts, ConnectorResources.agentManifestsSecretName(name));
        TunnelConnectorState previous = statusWriter.write(connector, inputs, facts, decision);
        Duration requeueAfter = switch (decision.state()) {
            case Failed, Starting -> null;
            case Listening, Pending -> POLL_WHILE_SETTLING;
            case Connected, Disconnected -> POLL_WHILE_STEADY;
        };
        return new ReconcileOutcome(
                namespace,
                name,
                previous,
                decision,
                writes.stream().filter(ApplyResult::wrote).count(),
                requeueAfter,
                System.nanoTime() - started);
    }

    private ConnectorInputs readInputs(TunnelConnector connector) {
        String namespace = connector.getMetadata().getNamespace();
        String name = connector.getMetadata().getName();
        TunnelGateway gateway = connector.getSpec() == null
                        || connector.getSpec().getGatewayRef() == null
                        || connector.getSpec().getGatewayRef().getName() == null
                ? null
                : client.resources(TunnelGateway.class)
                        .inNamespace(namespace)
                        .withName(connector.getSpec().getGatewayRef().getName())
                        .get();
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

    private String caCertificate(String connectorNamespace, ObjectReference ref) {
        if (ref.getName() == null || ref.getName().isBlank()) {
            return null;
        }
        String namespace =
                ref.getNamespace() == null || ref.getNamespace().isBlank() ? connectorNamespace : ref.getNamespace();
        return secretValue(namespace, ref.getName(), ConnectorResources.CA_KEY);
    }

    /** A Secret's value; read from the children cache when it has the Secret (ours are labelled), else from the server. */
    private String secretValue(String namespace, String secretName, String key) {
        Secret cached =
                children.covers(Secret.class, namespace) ? children.get(Secret.class, namespace, secretName) : null;
        Secret secret = cached != null
                ? cached
                : client.secrets().inNamespace(namespace).withName(secretName).get();
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
        Ingress ingress = client.network()
                .v1()
                .ingresses()
                .inNamespace(namespace)
                .withName(ConnectorResources.tunnelServerName(name))
                .get();
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

    private ConnectorFacts applyChildren(ConnectorInputs inputs, List<ApplyResult> writes) {
        TunnelConnector connector = inputs.connector();
        String namespace = inputs.namespace();
        String name = inputs.name();
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
        Deployment tunnelServer = applyWorkload(ConnectorWorkloads.tunnelServer(inputs), inputs, writes);
        applyWorkload(ConnectorWorkloads.kubeconfigWebhook(inputs), inputs, writes);
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
        String waitingFor = null;
        if (endpoints == null) {
            waitingFor = "an address in the status of Ingress " + ConnectorResources.tunnelServerName(name)
                    + " (or set spec.ingress.loadBalancer on the TunnelGateway)";
        } else {
            writes.add(applier.apply(
                            Secret.class,
                            namespace,
                            ConnectorResources.agentManifestsSecretName(name),
                            AgentManifests.secret(inputs, settings, endpoints))
                    .result());
        }
        boolean tunnelServerReady = isReady(tunnelServer);
        boolean agentConnected = tunnelServerReady && components.agentConnected(namespace, name);
        ConnectorFacts.Problem registrationError =
                components.registrationError(namespace, name).orElse(null);
        // The controller creates the Secret empty, so "registered" is a kubeconfig in it, not the Secret's existence.
        String stored = secretValue(
                namespace, ConnectorResources.kubeconfigSecretName(name), ConnectorResources.KUBECONFIG_KEY);
        boolean registered = stored != null && !stored.isBlank();
        Kubeconfig kubeconfig = null;
        ConnectorFacts.Problem kubeconfigRejected = null;
        if (registered) {
            // Checked on every read, not trusted because the webhook checked it: anyone who may write the Secret could
            // have.
            try {
                kubeconfig = KubeconfigParser.parse(stored);
            } catch (InvalidKubeconfigException e) {
                kubeconfigRejected = new ConnectorFacts.Problem(
                        KUBECONFIG_REJECTED,
                        "Secret " + ConnectorResources.kubeconfigSecretName(name)
                                + " holds a kubeconfig the controller will not use: " + e.getMessage());
            }
        }
        ConnectorFacts.ProbeResult probe =
                agentConnected && kubeconfig != null ? remoteProbe.probe(inputs, kubeconfig) : null;
        return new ConnectorFacts(
                null,
                waitingFor,
                tunnelServerReady,
                agentConnected,
                registrationError,
                registered,
                kubeconfigRejected,
                probe);
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
        Secret cached =
                children.covers(Secret.class, namespace) ? children.get(Secret.class, namespace, secretName) : null;
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

    private Deployment applyWorkload(ComponentWorkload workload, ConnectorInputs inputs, List<ApplyResult> writes) {
        String namespace = inputs.namespace();
        TunnelConnector connector = inputs.connector();
        ResourceApplier.Applied<Deployment> deployment =
                applier.apply(Deployment.class, namespace, workload.name(), workload.deployment(connector, settings));
        writes.add(deployment.result());
        writes.add(applier.apply(Service.class, namespace, workload.name(), workload.service(connector))
                .result());
        writes.add(applier.apply(
                        Ingress.class, namespace, workload.name(), workload.ingress(connector, inputs.ingressSpec()))
                .result());
        return deployment.object();
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
        children.addAll(client.apps()
                .deployments()
                .inNamespace(namespace)
                .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                .list()
                .getItems());
        children.addAll(client.services()
                .inNamespace(namespace)
                .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                .list()
                .getItems());
        children.addAll(client.network()
                .v1()
                .ingresses()
                .inNamespace(namespace)
                .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                .list()
                .getItems());
        children.addAll(client.network()
                .v1()
                .networkPolicies()
                .inNamespace(namespace)
                .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                .list()
                .getItems());
        children.addAll(client.secrets()
                .inNamespace(namespace)
                .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                .list()
                .getItems());
        children.addAll(client.serviceAccounts()
                .inNamespace(namespace)
                .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                .list()
                .getItems());
        children.addAll(client.rbac()
                .roles()
                .inNamespace(namespace)
                .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                .list()
                .getItems());
        children.addAll(client.rbac()
                .roleBindings()
                .inNamespace(namespace)
                .withLabel(ConnectorResources.CONNECTOR_LABEL, name)
                .list()
                .getItems());
        // One by one, by name: a collection delete whose label selector a server ignores would take other connectors'
        // children.
        children.forEach(child -> client.resource(child).withGracePeriod(0).delete());
        return children.size();
    }
}
