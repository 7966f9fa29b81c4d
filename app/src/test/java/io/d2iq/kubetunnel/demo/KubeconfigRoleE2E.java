package io.d2iq.kubetunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.kubeconfig.KubeconfigParser;
import io.d2iq.kubetunnel.laptop.KubeconfigRole;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.model.ConnectorResources;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubetunnel kubeconfig} as a user runs it, a process of its own against the suite's management cluster (the
 * local system by default; the real control planes with {@code -Dkubetunnel.e2e.control-plane=true}; real clusters
 * with {@code KUBETUNNEL_E2E_KUBECONFIG}): its stdout is a kubeconfig that real kubectl uses to list the remote
 * cluster's namespaces through the tunnel, and each refusal exits with its own code.
 */
class KubeconfigRoleE2E {

    @TempDir
    static Path dir;

    private static E2eClusters clusters;

    @BeforeAll
    static void start() throws Exception {
        clusters = E2eClusters.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (clusters != null) {
            clusters.close();
        }
    }

    private static KubeconfigRole role(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--kubeconfig";
        all[args.length + 1] = clusters.management().kubeconfig().toString();
        return KubeconfigRole.start(dir, all);
    }

    @Test
    void thePrintedKubeconfigListsTheRemoteNamespacesWithRealKubectlAndEachRefusalExitsWithItsCode() throws Exception {
        String ns = clusters.namespace();
        try (E2eConnection connection = E2eConnection.connect(clusters, "e2e-laptop", 0, dir)) {
            String key = ns + "/" + connection.name();

            try (KubeconfigRole absent = role(ns + "/e2e-absent")) {
                assertThat(absent.exitCode()).as(absent.stderr()).isEqualTo(3);
                assertThat(absent.stdout()).isEmpty();
                assertThat(absent.stderr()).contains("TunnelConnector " + ns + "/e2e-absent not found");
            }

            // --proxy-address: the proxy port made reachable here as this tier does it (the runner's loopback port, or
            // kubectl port-forward)
            String stored = Demo.secretValue(
                    clusters.management(),
                    ns,
                    ConnectorResources.kubeconfigSecretName(connection.name()),
                    "kubeconfig");
            try (E2eClusters.TunnelKubeconfig reachable = clusters.reach(connection.name(), stored);
                    KubeconfigRole printed = role(key, "--proxy-address", address(reachable.file()))) {
                assertThat(printed.exitCode()).as(printed.stderr()).isZero();
                Path file = Files.writeString(dir.resolve("laptop.kubeconfig"), printed.stdout());
                assertThat(new Kubectl(clusters.kubectl(), file).run("get", "namespaces", "-o", "name"))
                        .contains("namespace/" + AgentManifests.REMOTE_NAMESPACE);
            }

            // no flag: the role forwards through pods/portforward itself, where the API serves it
            try (KubeconfigRole forwarding = role(key)) {
                if (clusters.servesPortForward()) {
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> !forwarding.stdout().isEmpty() || !forwarding.isAlive());
                    Path file = Files.writeString(dir.resolve("forwarded.kubeconfig"), forwarding.stdout());
                    assertThat(KubeconfigParser.parse(forwarding.stdout()).proxyUrl())
                            .startsWith("socks5://127.0.0.1:");
                    assertThat(new Kubectl(clusters.kubectl(), file).run("get", "namespaces", "-o", "name"))
                            .contains("namespace/" + AgentManifests.REMOTE_NAMESPACE);
                    assertThat(forwarding.terminate()).as(forwarding.stderr()).isZero();
                } else {
                    // the embedded API's runner runs Deployments as processes, with no Pods to forward to
                    assertThat(forwarding.exitCode()).as(forwarding.stderr()).isEqualTo(7);
                    assertThat(forwarding.stdout()).isEmpty();
                    assertThat(forwarding.stderr()).contains("no running tunnel-server Pod in " + ns);
                }
            }

            connection
                    .remote()
                    .run(
                            "scale",
                            "deployment",
                            AgentManifests.REMOTE_AGENT_NAME,
                            "-n",
                            AgentManifests.REMOTE_NAMESPACE,
                            "--replicas=0");
            connection.timeline().awaitState(TunnelConnectorState.Disconnected, E2eClusters.STATE_TIMEOUT);
            try (KubeconfigRole disconnected = role(key)) {
                assertThat(disconnected.exitCode()).as(disconnected.stderr()).isEqualTo(4);
                assertThat(disconnected.stdout()).isEmpty();
                assertThat(disconnected.stderr())
                        .contains("TunnelConnector " + key + " is not Connected: state Disconnected, reason ");
            }
        }
    }

    /** HOST:PORT of the proxy-url in kubeconfig {@code file}. */
    private static String address(Path file) throws Exception {
        Kubeconfig kubeconfig = KubeconfigParser.parse(Files.readString(file));
        URI proxy = URI.create(kubeconfig.proxyUrl());
        return proxy.getHost() + ":" + proxy.getPort();
    }
}
