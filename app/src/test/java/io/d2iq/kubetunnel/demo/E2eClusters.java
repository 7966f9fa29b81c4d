package io.d2iq.kubetunnel.demo;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewaySpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The clusters the end-to-end suite runs against: by default the local runner (embedded APIs, the controller
 * and real role processes, as {@code kubetunnel demo} starts them); real clusters when
 * {@code KUBETUNNEL_E2E_KUBECONFIG} names a management cluster (docs/e2e.md).
 */
interface E2eClusters extends AutoCloseable {

    /** Longest wait for a connector state; generous because role processes start slowly on a loaded machine. */
    Duration STATE_TIMEOUT = Duration.ofSeconds(240);

    /**
     * Real clusters when configured; else real control planes on this machine with kubelet-mode runners when
     * {@code KUBETUNNEL_E2E_CONTROL_PLANE} (or {@code -Dkubetunnel.e2e.control-plane}) is {@code true}; else the local
     * system on embedded APIs, started under {@code dir}.
     */
    static E2eClusters start(Path dir) throws Exception {
        Optional<RealClusters.Settings> real = RealClusters.Settings.fromEnvironment();
        if (real.isPresent()) {
            return new RealClusters(real.get(), dir);
        }
        boolean controlPlanes = Boolean.parseBoolean(System.getProperty(
                "kubetunnel.e2e.control-plane", System.getenv().getOrDefault("KUBETUNNEL_E2E_CONTROL_PLANE", "false")));
        return controlPlanes ? ControlPlaneClusters.start(dir) : LocalClusters.start(dir);
    }

    /** The kubectl executable that the suite runs, also through the tunnel. */
    default String kubectl() {
        return "kubectl";
    }

    /** kubectl on the management cluster, where the controller runs. */
    Kubectl management();

    /** A client of the management cluster, used to watch only: the suite changes things with kubectl, as a user would. */
    KubernetesClient managementClient();

    /** The namespace of the suite's gateways and connectors. */
    String namespace();

    /** The spec each of the suite's gateways starts from: an ingress that these clusters serve. */
    TunnelGatewaySpec gatewaySpec();

    /** kubectl on remote cluster {@code index} (0 or 1); a test that needs one that is not configured is skipped. */
    Kubectl remote(int index);

    /** The connector's exported kubeconfig made usable from this machine; closing it releases what that took. */
    TunnelKubeconfig reach(String connector, String kubeconfig) throws Exception;

    /**
     * Whether the management API's {@code pods/portforward} reaches the tunnel-server Pods: real clusters and the
     * control planes (whose runner Node serves the kubelet's port-forward); the embedded API does not serve it.
     */
    default boolean servesPortForward() {
        return false;
    }

    /** Whether an agent runs on remote cluster {@code index}. */
    boolean agentRunning(int index);

    /** A kubeconfig file that reaches a remote cluster through the tunnel from this machine. */
    record TunnelKubeconfig(Path file, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }
}
