package io.d2iq.kubetunnel.reconcile;

import java.net.URI;

/**
 * Where the controller reaches a Service port. In a cluster that is the Service's DNS name; the local
 * runner maps Services to the loopback ports where it runs their roles.
 */
@FunctionalInterface
public interface ServiceAddressResolver {

    /** Base HTTP URI of {@code service} port {@code port} in {@code namespace}. */
    URI resolve(String namespace, String service, int port);

    /** In-cluster DNS: {@code http://service.namespace.svc:port}. */
    static ServiceAddressResolver clusterDns() {
        return (namespace, service, port) -> URI.create("http://" + service + "." + namespace + ".svc:" + port);
    }
}
