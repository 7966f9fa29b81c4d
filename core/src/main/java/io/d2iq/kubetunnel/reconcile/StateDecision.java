package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.model.AgentManifests;

/**
 * A connector's state with the reason and message of its Ready condition.
 *
 * @param state the state
 * @param reason UpperCamelCase reason
 * @param message what it means and, when something is wrong, what to do
 */
public record StateDecision(TunnelConnectorState state, String reason, String message) {

    /** Decides the state from the facts: the first rule that matches wins. */
    public static StateDecision from(ConnectorFacts facts, String manifestsSecret) {
        if (facts.specProblem() != null) {
            return new StateDecision(
                    TunnelConnectorState.Failed,
                    facts.specProblem().reason(),
                    facts.specProblem().message());
        }
        if (facts.kubeconfigRejected() != null) {
            return new StateDecision(
                    TunnelConnectorState.Failed,
                    facts.kubeconfigRejected().reason(),
                    facts.kubeconfigRejected().message()
                            + "; run the register Job again, which rewrites the Secret with a valid kubeconfig");
        }
        if (facts.registrationError() != null) {
            return new StateDecision(
                    TunnelConnectorState.Failed,
                    facts.registrationError().reason(),
                    facts.registrationError().message() + "; run the register Job again with a valid kubeconfig");
        }
        if (facts.waitingFor() != null) {
            return new StateDecision(
                    TunnelConnectorState.Starting, "WaitingForChildren", "waiting for " + facts.waitingFor());
        }
        if (!facts.tunnelServerReady()) {
            // Once the agent has connected, losing the tunnel server (a restart, a crash) is an outage, not a start.
            TunnelConnectorState state =
                    facts.agentHasConnected() ? TunnelConnectorState.Disconnected : TunnelConnectorState.Starting;
            return new StateDecision(
                    state,
                    "TunnelServerNotReady",
                    "waiting for the tunnel server Deployment to become ready;"
                            + " if it does not, kubectl describe deployment of this connector's tunnel server (image, pull secrets, limits)");
        }
        if (!facts.agentConnected()) {
            // The register Job may post before the agent's first connection: that is still the wait for the agent.
            if (facts.agentHasConnected()) {
                return new StateDecision(
                        TunnelConnectorState.Disconnected,
                        "AgentDisconnected",
                        "the agent is not connected to the tunnel server; check the agent Deployment on the remote cluster and its network path to the gateway");
            }
            return new StateDecision(
                    TunnelConnectorState.Listening,
                    "AgentNotConnected",
                    "the tunnel server waits for the agent: apply key manifests.yaml of Secret " + manifestsSecret
                            + " on the remote cluster: kubectl get secret " + manifestsSecret
                            + " -o jsonpath='{.data.manifests\\.yaml}' | base64 -d | kubectl --kubeconfig REMOTE apply -f -");
        }
        if (!facts.kubeconfigPresent()) {
            return new StateDecision(
                    TunnelConnectorState.Pending,
                    "WaitingForRegistration",
                    "the agent is connected; waiting for the"
                            + " register Job to post the kubeconfig; if it does not, read its logs on the remote cluster: kubectl -n "
                            + AgentManifests.REMOTE_NAMESPACE + " logs job/<the " + AgentManifests.REGISTER_JOB_PREFIX
                            + "* Job>");
        }
        if (facts.probe() == null) {
            return new StateDecision(
                    TunnelConnectorState.Pending,
                    "WaitingForProbe",
                    "the agent is connected and registered; probing the remote API server");
        }
        if (facts.probe().success()) {
            return new StateDecision(
                    TunnelConnectorState.Connected,
                    "RemoteApiReachable",
                    facts.probe().message());
        }
        return new StateDecision(
                TunnelConnectorState.Disconnected,
                facts.probe().reason(),
                facts.probe().message());
    }
}
