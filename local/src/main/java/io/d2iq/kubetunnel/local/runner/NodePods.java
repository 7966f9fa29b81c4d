package io.d2iq.kubetunnel.local.runner;

import java.net.InetSocketAddress;
import java.util.Optional;

/** The Pods running on this runner's Node, as its kubelet API ({@link KubeletServer}) looks them up. */
interface NodePods {

    /** The loopback address of container port {@code containerPort} of Pod {@code namespace/pod}, if it runs here. */
    Optional<InetSocketAddress> port(String namespace, String pod, int containerPort);

    /**
     * How container {@code container} of Pod {@code namespace/pod} runs (its directory and environment), if its
     * process runs here now.
     */
    Optional<LaunchPlan> container(String namespace, String pod, String container);
}
