package io.d2iq.kubetunnel.local.runner;

import java.net.InetSocketAddress;
import java.util.Optional;

/** Where a Service port (number or name) is reachable; the runner's {@link ServiceMap}, or a test's servers. */
@FunctionalInterface
interface BackendResolver {

    Optional<InetSocketAddress> resolve(String namespace, String service, String port);
}
