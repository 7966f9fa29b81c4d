package io.d2iq.kubetunnel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.local.runner.LocalRunner;
import io.d2iq.kubetunnel.model.AgentManifests;
import io.d2iq.kubetunnel.real.ControlPlaneBinaries;
import io.fabric8.kubernetes.api.model.Event;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system on the local runner, as {@code kubetunnel demo} runs it: two embedded APIs, the
 * controller, tunnel server, webhook, agent and register as real processes, and real kubectl through
 * the exported kubeconfig. Then the agent is stopped and started again on the remote cluster. The same demo on
 * two real control planes ({@code demo --control-plane DIR}) connects too.
 */
class DemoE2E {

    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(240);

    @TempDir
    Path out;

    @Test
    void aRemoteClusterConnectsDisconnectsWhenItsAgentStopsAndReconnects() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (PrintStream log = new PrintStream(printed, true, StandardCharsets.UTF_8);
                Demo demo = new Demo(out, "kubectl", STATE_TIMEOUT, log)) {
            demo.run();
            String output = printed.toString(StandardCharsets.UTF_8);
            System.out.println(output);
            assertThat(output).contains("get namespaces", "kubetunnel");
            // Pending may last less than one status write when the register Job is quick, so it is not required here
            assertThat(output.indexOf("Listening")).isPositive().isLessThan(output.lastIndexOf("Connected"));
            // checked as a boolean so a failure never prints the kubeconfig's token
            assertThat(Files.readString(out.resolve("tunnel.kubeconfig")).contains("proxy-url: \"socks5://127.0.0.1:"))
                    .as("tunnel.kubeconfig's proxy-url points at the loopback proxy port")
                    .isTrue();

            scaleRemoteAgent(demo, 0);
            demo.timeline().awaitState(TunnelConnectorState.Disconnected, STATE_TIMEOUT);
            scaleRemoteAgent(demo, 1);
            demo.timeline().awaitState(TunnelConnectorState.Connected, STATE_TIMEOUT);

            // the Event of a transition is recorded just after the status that the timeline saw
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(demo.management()
                                    .client()
                                    .v1()
                                    .events()
                                    .inNamespace(Demo.NAMESPACE)
                                    .list()
                                    .getItems())
                            .filteredOn(e ->
                                    Demo.CONNECTOR.equals(e.getInvolvedObject().getName()))
                            .extracting(Event::getReason)
                            .containsSubsequence("Starting", "Listening", "Connected", "Disconnected", "Connected"));
        }
    }

    @Test
    void theDemoOnTwoRealControlPlanesConnectsWithKubeletModeRunners() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path binaries = ControlPlaneBinaries.directory();
        try (PrintStream log = new PrintStream(printed, true, StandardCharsets.UTF_8);
                Demo demo = new Demo(out, ControlPlaneBinaries.kubectl().toString(), STATE_TIMEOUT, log, binaries)) {
            demo.run();
            String output = printed.toString(StandardCharsets.UTF_8);
            System.out.println(output);
            assertThat(output)
                    .contains(
                            "control planes",
                            "kubelets of Node " + LocalRunner.NODE_NAME,
                            "get namespaces",
                            "kubetunnel");
            assertThat(output.indexOf("Listening")).isPositive().isLessThan(output.lastIndexOf("Connected"));
            // kcm, not the runner, wrote the Deployment's status from the Pod the runner ran on its Node
            assertThat(demo.managementClient()
                            .pods()
                            .inNamespace(Demo.NAMESPACE)
                            .list()
                            .getItems())
                    .extracting(pod -> pod.getSpec().getNodeName())
                    .contains(LocalRunner.NODE_NAME);
        }
    }

    private static void scaleRemoteAgent(Demo demo, int replicas) {
        demo.remote()
                .client()
                .apps()
                .deployments()
                .inNamespace(AgentManifests.REMOTE_NAMESPACE)
                .withName(AgentManifests.REMOTE_AGENT_NAME)
                .edit(deployment -> {
                    deployment.getSpec().setReplicas(replicas);
                    return deployment;
                });
    }
}
