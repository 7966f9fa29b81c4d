package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class KubeletTest {

    @Test
    void aReplicaSetsPodBelongsToItsDeploymentSoEveryRolloutsPodsShareOneWorkload() {
        assertThat(Kubelet.workloadOf(pod("ReplicaSet", "c-tunnel-server-5d8f9c7b6", "5d8f9c7b6")))
                .isEqualTo("ns/Deployment/c-tunnel-server");
        // a ReplicaSet of its own (not named <deployment>-<hash>) is the workload itself
        assertThat(Kubelet.workloadOf(pod("ReplicaSet", "standalone", "5d8f9c7b6")))
                .isEqualTo("ns/ReplicaSet/standalone");
    }

    @Test
    void aJobsPodBelongsToItsJobAndAPodWithoutControllerToItself() {
        assertThat(Kubelet.workloadOf(pod("Job", "kubetunnel-register-1a2b", null)))
                .isEqualTo("ns/Job/kubetunnel-register-1a2b");
        assertThat(Kubelet.workloadOf(new PodBuilder()
                        .withNewMetadata()
                        .withNamespace("ns")
                        .withName("bare")
                        .endMetadata()
                        .build()))
                .isEqualTo("ns/Pod/bare");
    }

    private static Pod pod(String ownerKind, String ownerName, String templateHash) {
        PodBuilder pod = new PodBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName(ownerName + "-x7k2p")
                .addNewOwnerReference()
                .withKind(ownerKind)
                .withName(ownerName)
                .withController(true)
                .withUid("u")
                .withApiVersion("v1")
                .endOwnerReference()
                .endMetadata();
        if (templateHash != null) {
            pod.editMetadata().addToLabels("pod-template-hash", templateHash).endMetadata();
        }
        return pod.build();
    }
}
