package io.d2iq.kubetunnel.controller;

import io.d2iq.kubetunnel.cli.KubernetesOptions;
import io.d2iq.kubetunnel.cli.ManagementPortOption;
import io.d2iq.kubetunnel.model.ControllerSettings;
import io.d2iq.kubetunnel.reconcile.ServiceAddressResolver;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code controller} role. */
@Command(
        name = "controller",
        mixinStandardHelpOptions = true,
        description = "Watches TunnelGateway and TunnelConnector objects and reconciles their children and status.")
public final class ControllerCommand implements Callable<Integer> {

    @Mixin
    KubernetesOptions kubernetes;

    @Option(
            names = "--routes",
            paramLabel = "DIR",
            defaultValue = "${env:KUBETUNNEL_ROUTES:-routes}",
            description = "Directory of *.camel.yaml routes (env KUBETUNNEL_ROUTES; default: ${DEFAULT-VALUE}).")
    Path routes;

    @Option(
            names = "--image",
            defaultValue = "${env:KUBETUNNEL_IMAGE:-" + ControllerSettings.DEFAULT_IMAGE + "}",
            description =
                    "Image that runs the tunnel server, webhook, agent and register (env KUBETUNNEL_IMAGE; default: ${DEFAULT-VALUE}).")
    String image;

    @Option(
            names = "--agent-cluster-role",
            defaultValue = ControllerSettings.DEFAULT_AGENT_CLUSTER_ROLE,
            description =
                    "ClusterRole bound, on the remote cluster, to the ServiceAccount whose token is registered: what the "
                            + "management cluster may do there (default: ${DEFAULT-VALUE}).")
    String agentClusterRole;

    @Option(
            names = "--controller-namespace",
            defaultValue = "${env:POD_NAMESPACE:-" + ControllerSettings.DEFAULT_CONTROLLER_NAMESPACE + "}",
            description =
                    "Namespace of the controller's pods, which the connectors' NetworkPolicies admit (env POD_NAMESPACE; default: ${DEFAULT-VALUE}).")
    String controllerNamespace;

    @Option(
            names = "--ingress-namespace",
            defaultValue = "",
            description =
                    "Namespace of the ingress controller: the only one the connectors' NetworkPolicies admit to the tunnel and "
                            + "webhook ports when the gateway has an Ingress (default: every source).")
    String ingressNamespace;

    @Option(names = "--namespace", defaultValue = "", description = "Namespace to watch (default: all).")
    String namespace;

    @Option(
            names = "--resync-seconds",
            defaultValue = "60",
            description = "Reconcile everything this often (default: ${DEFAULT-VALUE}).")
    long resyncSeconds;

    @Option(
            names = "--workers",
            defaultValue = "4",
            description = "Connectors reconciled in parallel (default: ${DEFAULT-VALUE}).")
    int workers;

    @Mixin
    ManagementPortOption management;

    @Option(
            names = "--jolokia-remote",
            defaultValue = "${env:KUBETUNNEL_JOLOKIA_REMOTE:-false}",
            description =
                    "Let /observe/jolokia answer clients other than localhost (env KUBETUNNEL_JOLOKIA_REMOTE; default: ${DEFAULT-VALUE}).")
    boolean jolokiaRemote;

    @Option(
            names = "--leader-election",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Hold a Lease before watching, so only one replica writes (default: ${DEFAULT-VALUE}).")
    boolean leaderElection;

    @Option(
            names = "--lease-namespace",
            defaultValue = "${env:POD_NAMESPACE:-}",
            description =
                    "Namespace of the leader Lease (env POD_NAMESPACE; default: the pod's namespace in a cluster, "
                            + "else the kubeconfig context's namespace, else default).")
    String leaseNamespace;

    @Option(
            names = "--lease-name",
            defaultValue = "kubetunnel",
            description = "Prefix of the leader Lease, which is named <prefix>-controller (default: ${DEFAULT-VALUE}).")
    String leaseName;

    @Option(
            names = "--lease-seconds",
            defaultValue = "15",
            description = "Lease duration; a follower takes over after it (default: ${DEFAULT-VALUE}).")
    long leaseSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(routes)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--routes " + routes + " is not a directory");
        }
        try (KubernetesClient client = kubernetes.newClient()) {
            return run(client);
        }
    }

    private int run(KubernetesClient client) throws Exception {
        ControllerOptions options = new ControllerOptions(
                routes,
                new ControllerSettings(image, agentClusterRole, controllerNamespace, ingressNamespace),
                namespace,
                Duration.ofSeconds(resyncSeconds),
                workers,
                management.port(),
                leaderElection
                        ? new ControllerOptions.LeaderElection(
                                leaseNamespace(client), leaseName, identity(), Duration.ofSeconds(leaseSeconds))
                        : null,
                jolokiaRemote);
        try (ControllerApplication application =
                new ControllerApplication(client, options, ServiceAddressResolver.clusterDns())) {
            application.runUntilShutdown();
        }
        return 0;
    }

    /**
     * Where the Lease lives when no flag says: the pod's namespace (POD_NAMESPACE, or the service account's namespace
     * file that fabric8 reads in a pod), else the kubeconfig context's, else {@code default}. So a controller started
     * from a laptop with only {@code --kubeconfig} elects itself in a namespace that exists, and reconciles.
     */
    private String leaseNamespace(KubernetesClient client) {
        if (!leaseNamespace.isBlank()) {
            return leaseNamespace;
        }
        String configured = client.getConfiguration().getNamespace();
        return configured == null || configured.isBlank() ? "default" : configured;
    }

    /**
     * The pod name (HOSTNAME) plus a random suffix, as client-go's election does: two processes on one laptop, or a
     * restarted container of the same pod, never share an identity, so neither believes it holds the other's Lease.
     */
    private static String identity() {
        String hostname = System.getenv("HOSTNAME");
        return (hostname == null || hostname.isBlank() ? "controller" : hostname) + "_" + UUID.randomUUID();
    }
}
