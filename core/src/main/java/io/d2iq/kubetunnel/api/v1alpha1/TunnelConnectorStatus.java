package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TunnelConnectorStatus {

    @JsonPropertyDescription(
            "State of the tunnel connector: `Starting` - the initial state; `Listening` - the local tunnel server is waiting for the remote agent to connect; `Pending` - the remote agent has connected but the local proxy is not ready; `Connected` - the tunnel is configured and contact to the remote API server succeeded; `Disconnected` - the tunnel is configured but contact to the remote API server failed; `Failed` - an unexpected error occurred, such as not being able to parse the kubeconfig.")
    private TunnelConnectorState state;

    @JsonPropertyDescription("Status of the tunnel server.")
    private TunnelServerStatus tunnelServer;

    @JsonPropertyDescription("Status of the kubeconfig webhook.")
    private KubeconfigWebhookStatus kubeconfigWebhook;

    @JsonPropertyDescription("Status of the tunnel agent.")
    private TunnelAgentStatus tunnelAgent;

    @JsonPropertyDescription(
            "A reference to the service account that will be used for registration (of the tunnel agent) and authentication purpose.")
    private LocalObjectReference serviceAccountRef;

    @JsonPropertyDescription(
            "A reference to the role that will be bound to the service account for authorization purpose.")
    private LocalObjectReference roleRef;

    @JsonPropertyDescription(
            "A reference to the rolebinding that will be created to bind the service account and the role.")
    private LocalObjectReference roleBindingRef;

    @JsonPropertyDescription(
            "A reference to the secret holding the KUBECONFIG that the clients can use to talk to the API server of the target cluster when it becomes available.")
    private LocalObjectReference kubeconfigRef;

    @JsonPropertyDescription(
            "The generation of the linked TunnelGateway object associated with this object. When the linked TunnelGateway object is updated, a controller will update this status field which will in turn trigger a reconciliation of this object.")
    private Long gatewayObservedGeneration;

    @JsonPropertyDescription(
            "Observations of the connector's state: why it is Failed or Disconnected, with a reason and a message a human can act on.")
    private List<Condition> conditions = new ArrayList<>();

    public TunnelConnectorState getState() {
        return state;
    }

    public void setState(TunnelConnectorState state) {
        this.state = state;
    }

    public TunnelServerStatus getTunnelServer() {
        return tunnelServer;
    }

    public void setTunnelServer(TunnelServerStatus tunnelServer) {
        this.tunnelServer = tunnelServer;
    }

    public KubeconfigWebhookStatus getKubeconfigWebhook() {
        return kubeconfigWebhook;
    }

    public void setKubeconfigWebhook(KubeconfigWebhookStatus kubeconfigWebhook) {
        this.kubeconfigWebhook = kubeconfigWebhook;
    }

    public TunnelAgentStatus getTunnelAgent() {
        return tunnelAgent;
    }

    public void setTunnelAgent(TunnelAgentStatus tunnelAgent) {
        this.tunnelAgent = tunnelAgent;
    }

    public LocalObjectReference getServiceAccountRef() {
        return serviceAccountRef;
    }

    public void setServiceAccountRef(LocalObjectReference serviceAccountRef) {
        this.serviceAccountRef = serviceAccountRef;
    }

    public LocalObjectReference getRoleRef() {
        return roleRef;
    }

    public void setRoleRef(LocalObjectReference roleRef) {
        this.roleRef = roleRef;
    }

    public LocalObjectReference getRoleBindingRef() {
        return roleBindingRef;
    }

    public void setRoleBindingRef(LocalObjectReference roleBindingRef) {
        this.roleBindingRef = roleBindingRef;
    }

    public LocalObjectReference getKubeconfigRef() {
        return kubeconfigRef;
    }

    public void setKubeconfigRef(LocalObjectReference kubeconfigRef) {
        this.kubeconfigRef = kubeconfigRef;
    }

    public Long getGatewayObservedGeneration() {
        return gatewayObservedGeneration;
    }

    public void setGatewayObservedGeneration(Long gatewayObservedGeneration) {
        this.gatewayObservedGeneration = gatewayObservedGeneration;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelConnectorStatus other
                && state == other.state
                && Objects.equals(tunnelServer, other.tunnelServer)
                && Objects.equals(kubeconfigWebhook, other.kubeconfigWebhook)
                && Objects.equals(tunnelAgent, other.tunnelAgent)
                && Objects.equals(serviceAccountRef, other.serviceAccountRef)
                && Objects.equals(roleRef, other.roleRef)
                && Objects.equals(roleBindingRef, other.roleBindingRef)
                && Objects.equals(kubeconfigRef, other.kubeconfigRef)
                && Objects.equals(gatewayObservedGeneration, other.gatewayObservedGeneration)
                && Objects.equals(conditions, other.conditions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                state,
                tunnelServer,
                kubeconfigWebhook,
                tunnelAgent,
                serviceAccountRef,
                roleRef,
                roleBindingRef,
                kubeconfigRef,
                gatewayObservedGeneration,
                conditions);
    }
}
