package io.d2iq.kubetunnel.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.d2iq.kubetunnel.api.v1alpha1.KubeconfigWebhookStatus;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelAgentStatus;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorStatus;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelServerStatus;
import io.d2iq.kubetunnel.model.ConnectorEndpoints;
import io.d2iq.kubetunnel.model.ConnectorInputs;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Writes a connector's status from a fresh object, only when it differs, and records an Event for
 * every state transition.
 */
public final class ConnectorStatusWriter {

    /** Type of the one condition that explains the state. */
    public static final String READY_CONDITION = "Ready";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private final KubernetesClient client;
    private final EventRecorder events;
    private final Clock clock;

    public ConnectorStatusWriter(KubernetesClient client, EventRecorder events, Clock clock) {
        this.client = client;
        this.events = events;
        this.clock = clock;
    }

    /** Writes the status that {@code decision} and {@code facts} imply, and returns the state before. */
    public TunnelConnectorState write(
            TunnelConnector connector, ConnectorInputs inputs, ConnectorFacts facts, StateDecision decision) {
        TunnelConnectorStatus previous =
                connector.getStatus() == null ? new TunnelConnectorStatus() : connector.getStatus();
        TunnelConnectorStatus status = facts.specProblem() == null ? statusWithRefs(inputs) : copyRefs(previous);
        status.setState(decision.state());
        status.setGatewayObservedGeneration(
                inputs.gateway() == null
                        ? previous.getGatewayObservedGeneration()
                        : inputs.gateway().getMetadata().getGeneration());
        status.setConditions(List.of(readyCondition(connector, previous, decision)));
        if (!sameJson(status, previous)) {
            TunnelConnector fresh = new TunnelConnector();
            fresh.setMetadata(connector.getMetadata());
            fresh.setSpec(connector.getSpec());
            fresh.setStatus(status);
            client.resources(TunnelConnector.class)
                    .inNamespace(inputs.namespace())
                    .resource(fresh)
                    .updateStatus();
        }
        if (previous.getState() != decision.state()) {
            events.stateChanged(connector, previous.getState(), decision);
        }
        return previous.getState();
    }

    private Condition readyCondition(
            TunnelConnector connector, TunnelConnectorStatus previous, StateDecision decision) {
        String status = decision.state() == TunnelConnectorState.Connected ? "True" : "False";
        Condition before = previous.getConditions() == null
                ? null
                : previous.getConditions().stream()
                        .filter(c -> READY_CONDITION.equals(c.getType()))
                        .findFirst()
                        .orElse(null);
        boolean unchanged = before != null
                && status.equals(before.getStatus())
                && decision.reason().equals(before.getReason());
        String transitionTime = unchanged && before.getLastTransitionTime() != null
                ? before.getLastTransitionTime()
                : DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        return new ConditionBuilder()
                .withType(READY_CONDITION)
                .withStatus(status)
                .withReason(decision.reason())
                .withMessage(decision.message())
                .withObservedGeneration(connector.getMetadata().getGeneration())
                .withLastTransitionTime(transitionTime)
                .build();
    }

    private static TunnelConnectorStatus statusWithRefs(ConnectorInputs inputs) {
        String name = inputs.name();
        boolean withIngress = inputs.ingressSpec() != null;
        TunnelConnectorStatus status = new TunnelConnectorStatus();
        TunnelServerStatus tunnelServer = new TunnelServerStatus();
        tunnelServer.setDeploymentRef(ref(ConnectorResources.tunnelServerName(name)));
        tunnelServer.setServiceRef(ref(ConnectorResources.tunnelServerName(name)));
        tunnelServer.setIngressRef(withIngress ? ref(ConnectorResources.tunnelServerName(name)) : null);
        status.setTunnelServer(tunnelServer);
        KubeconfigWebhookStatus webhook = new KubeconfigWebhookStatus();
        webhook.setDeploymentRef(ref(ConnectorResources.kubeconfigWebhookName(name)));
        webhook.setServiceRef(ref(ConnectorResources.kubeconfigWebhookName(name)));
        webhook.setIngressRef(withIngress ? ref(ConnectorResources.kubeconfigWebhookName(name)) : null);
        status.setKubeconfigWebhook(webhook);
        if (ConnectorEndpoints.of(inputs) != null) {
            // the reconciler wrote the manifests Secret: its endpoints are known
            TunnelAgentStatus agent = new TunnelAgentStatus();
            agent.setManifestsRef(ref(ConnectorResources.agentManifestsSecretName(name)));
            status.setTunnelAgent(agent);
        }
        status.setServiceAccountRef(ref(ConnectorResources.agentServiceAccountName(name)));
        status.setRoleRef(ref(ConnectorResources.agentRoleName(name)));
        status.setRoleBindingRef(ref(ConnectorResources.agentRoleBindingName(name)));
        status.setKubeconfigRef(ref(ConnectorResources.kubeconfigSecretName(name)));
        return status;
    }

    private static TunnelConnectorStatus copyRefs(TunnelConnectorStatus previous) {
        TunnelConnectorStatus status = new TunnelConnectorStatus();
        status.setTunnelServer(previous.getTunnelServer());
        status.setKubeconfigWebhook(previous.getKubeconfigWebhook());
        status.setTunnelAgent(previous.getTunnelAgent());
        status.setServiceAccountRef(previous.getServiceAccountRef());
        status.setRoleRef(previous.getRoleRef());
        status.setRoleBindingRef(previous.getRoleBindingRef());
        status.setKubeconfigRef(previous.getKubeconfigRef());
        return status;
    }

    private static LocalObjectReference ref(String name) {
        return new LocalObjectReference(name);
    }

    /**
     * Compares what the API server would store rather than the CR classes' hand-written {@code equals}, so a
     * field added to the status later cannot be left out of the "changed?" check.
     */
    static boolean sameJson(TunnelConnectorStatus a, TunnelConnectorStatus b) {
        return SERIALIZATION.convertValue(a, JsonNode.class).equals(SERIALIZATION.convertValue(b, JsonNode.class));
    }
}
