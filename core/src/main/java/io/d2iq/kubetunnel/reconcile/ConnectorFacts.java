package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.model.SpecProblem;

/**
 * What one reconcile observed about a connector; the state follows from these facts alone.
 *
 * @param specProblem why the spec cannot work, or null
 * @param waitingFor what the children still wait for (e.g. a token, an Ingress address), or null
 * @param tunnelServerReady whether the tunnel server Deployment has a ready replica
 * @param agentConnected whether the tunnel server reports a connected agent
 * @param registrationError the webhook's last rejection of a registration, or null
 * @param kubeconfigPresent whether the kubeconfig Secret holds a registered kubeconfig (the controller creates it empty)
 * @param agentHasConnected whether the connector's last written state shows that its agent has connected (Pending,
 *     Connected or Disconnected): an agent that is not connected now is an outage only then
 * @param kubeconfigRejected why the controller refuses to use the kubeconfig the Secret holds, or null
 * @param probe the last probe of the remote API server through the tunnel, or null when none ran
 */
public record ConnectorFacts(
        SpecProblem specProblem,
        String waitingFor,
        boolean tunnelServerReady,
        boolean agentConnected,
        Problem registrationError,
        boolean kubeconfigPresent,
        boolean agentHasConnected,
        Problem kubeconfigRejected,
        ProbeResult probe) {

    /** A reason and a human message. */
    public record Problem(String reason, String message) {}

    /** Result of a request to the remote API server through the tunnel. */
    public record ProbeResult(boolean success, String reason, String message) {}

    /** Facts of a connector whose spec is unusable. */
    public static ConnectorFacts invalid(SpecProblem problem) {
        return new ConnectorFacts(problem, null, false, false, null, false, false, null, null);
    }
}
