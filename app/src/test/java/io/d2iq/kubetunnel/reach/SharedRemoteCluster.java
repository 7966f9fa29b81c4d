package io.d2iq.kubetunnel.reach;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Resolves a {@link RemoteClusterBehindTunnel} parameter with one instance for the whole test run (closed
 * by JUnit at its end): its two embedded APIs, tunnel and webhook take many seconds to start on a busy
 * machine, and the test classes that use it leave it as they found it (the agent connected).
 */
final class SharedRemoteCluster implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RemoteClusterBehindTunnel.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(ExtensionContext.Namespace.create(SharedRemoteCluster.class))
                .getOrComputeIfAbsent(
                        RemoteClusterBehindTunnel.class,
                        key -> RemoteClusterBehindTunnel.start(),
                        RemoteClusterBehindTunnel.class);
    }
}
