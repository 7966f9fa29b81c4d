package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's Node on a real API server: registered once (the taints that admission puts on a new Node are cleared,
 * as a kubelet's first Ready status lets the node lifecycle controller do), then its Ready condition's heartbeat is
 * renewed every {@link #HEARTBEAT}, as a kubelet's node status updates are.
 */
final class LocalNode {

    /** As the kubelet's default {@code nodeStatusReportFrequency} is minutes, but its update loop runs every 10 s. */
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(LocalNode.class);
    /** The Node's capacity, all of it allocatable: what a scheduler sees, not a limit the runner enforces. */
    private static final Map<String, Quantity> RESOURCES = Map.of(
            "cpu",
            new Quantity(Integer.toString(Runtime.getRuntime().availableProcessors())),
            "memory",
            new Quantity("16Gi"),
            "pods",
            new Quantity("110"));

    private final KubernetesClient api;
    private final String name;
    private final String readySince = now();
    private final int kubeletPort;

    /** @param kubeletPort where the Node's kubelet API ({@link KubeletServer}) listens on 127.0.0.1 */
    LocalNode(KubernetesClient api, String name, int kubeletPort) {
        this.api = api;
        this.name = name;
        this.kubeletPort = kubeletPort;
    }

    void register(RunnerLoop loop) {
        Node existing = api.nodes().withName(name).get();
        if (existing == null) {
            api.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withLabels(Map.of(
                                    "kubernetes.io/hostname",
                                    name,
                                    "kubernetes.io/os",
                                    "linux",
                                    "node.kubernetes.io/instance-type",
                                    "kubetunnel-local-runner"))
                            .endMetadata()
                            .build())
                    .create();
            LOG.info("registered Node {}", name);
        }
        // TaintNodesByCondition admission marks a new Node not-ready; no node lifecycle controller runs to lift it
        api.nodes().withName(name).edit(node -> {
            node.getSpec().setTaints(List.of());
            return node;
        });
        heartbeat();
        loop.every(HEARTBEAT, this::heartbeat);
    }

    private void heartbeat() {
        String now = now();
        NodeStatus status = new NodeStatusBuilder()
                .withConditions(
                        condition(
                                "Ready",
                                "True",
                                "KubeletReady",
                                "the kubetunnel local runner is posting ready status",
                                now),
                        condition(
                                "MemoryPressure",
                                "False",
                                "KubeletHasSufficientMemory",
                                "not measured by the local runner",
                                now),
                        condition(
                                "DiskPressure",
                                "False",
                                "KubeletHasNoDiskPressure",
                                "not measured by the local runner",
                                now),
                        condition(
                                "PIDPressure",
                                "False",
                                "KubeletHasSufficientPID",
                                "not measured by the local runner",
                                now))
                .addNewAddress()
                .withType("InternalIP")
                .withAddress("127.0.0.1")
                .endAddress()
                .addNewAddress()
                .withType("Hostname")
                .withAddress(name)
                .endAddress()
                // where kube-apiserver dials the kubelet for pods/portforward (InternalIP is preferred)
                .withNewDaemonEndpoints()
                .withNewKubeletEndpoint()
                .withPort(kubeletPort)
                .endKubeletEndpoint()
                .endDaemonEndpoints()
                .withCapacity(RESOURCES)
                .withAllocatable(RESOURCES)
                .withNewNodeInfo()
                .withKubeletVersion("kubetunnel-local-runner")
                .withOperatingSystem("linux")
                .withArchitecture(System.getProperty("os.arch"))
                .withContainerRuntimeVersion("jvm://" + Runtime.version())
                .withKernelVersion(System.getProperty("os.version"))
                .withOsImage(System.getProperty("os.name"))
                .withMachineID("")
                .withSystemUUID("")
                .withBootID("")
                .withKubeProxyVersion("")
                .endNodeInfo()
                .build();
        try {
            api.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .endMetadata()
                            .withStatus(status)
                            .build())
                    .patchStatus();
        } catch (KubernetesClientException e) {
            LOG.warn("Node {}: cannot write status: {}", name, e.getMessage());
        }
    }

    private NodeCondition condition(String type, String status, String reason, String message, String heartbeat) {
        return new NodeConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withLastHeartbeatTime(heartbeat)
                .withLastTransitionTime(readySince)
                .build();
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
