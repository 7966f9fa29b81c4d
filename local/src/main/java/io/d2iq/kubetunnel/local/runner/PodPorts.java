package io.d2iq.kubetunnel.local.runner;

import java.net.InetSocketAddress;
import java.util.Optional;

/** Where a Pod running on this runner serves one of its container ports. */
@FunctionalInterface
interface PodPorts {

    /** The loopback address of container port {@code containerPort} of Pod {@code namespace/pod}, if it runs here. */
    Optional<InetSocketAddress> find(String namespace, String pod, int containerPort);
}
