package io.d2iq.kubetunnel.local.runner;

import io.d2iq.kubetunnel.reconcile.ServiceAddressResolver;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The runner's stand-in for Service networking: each workload's container ports get loopback ports, and a
 * Service (namespace, name, port number or name) resolves through its selector and targetPort to the
 * loopback port of the workload whose pod labels it selects. A workload keeps its ports until it is
 * deleted, so a restart keeps the address, as a Service's ClusterIP does. In kubelet mode a workload is one Pod:
 * a replacement Pod takes over the ports its predecessor released, and a Service selecting two Pods at once (a
 * rolling update) resolves to a ready one, as only ready Pods are a Service's endpoints.
 */
public final class ServiceMap {

    private static final String LOOPBACK = InetAddress.getLoopbackAddress().getHostAddress();

    private record Endpoint(
            Map<String, String> podLabels,
            Map<String, Integer> byName,
            Map<Integer, Integer> byNumber,
            boolean ready) {}

    private final PortAllocator ports;
    private final BiFunction<String, String, Service> services;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    /** @param services looks a Service up by namespace and name (null when it does not exist) */
    ServiceMap(PortAllocator ports, BiFunction<String, String, Service> services) {
        this.ports = ports;
        this.services = services;
    }

    /** Assigns loopback ports to a workload's container ports (keeping earlier ones); container port to local port. */
    synchronized Map<Integer, Integer> assign(
            String namespace, String workload, Map<String, String> podLabels, List<ContainerPort> containerPorts) {
        return assign(namespace, workload, podLabels, containerPorts, Map.of());
    }

    /**
     * As {@link #assign(String, String, Map, List)}, taking a container port's local port from {@code inherited}
     * (what a predecessor released) when the workload has none yet.
     */
    synchronized Map<Integer, Integer> assign(
            String namespace,
            String workload,
            Map<String, String> podLabels,
            List<ContainerPort> containerPorts,
            Map<Integer, Integer> inherited) {
        Endpoint previous = endpoints.get(namespace + "/" + workload);
        Map<String, Integer> byName = new HashMap<>();
        Map<Integer, Integer> byNumber = new HashMap<>();
        for (ContainerPort port : containerPorts) {
            Integer local = previous == null
                    ? inherited.get(port.getContainerPort())
                    : previous.byNumber().get(port.getContainerPort());
            int assigned = local != null ? local : ports.allocate();
            byNumber.put(port.getContainerPort(), assigned);
            if (port.getName() != null) {
                byName.put(port.getName(), assigned);
            }
        }
        endpoints.put(
                namespace + "/" + workload,
                new Endpoint(
                        Map.copyOf(podLabels == null ? Map.of() : podLabels),
                        byName,
                        byNumber,
                        previous == null || previous.ready()));
        return Map.copyOf(byNumber);
    }

    /** Forgets a deleted workload; returns the local ports it had (container port to local port), for a successor. */
    synchronized Map<Integer, Integer> release(String namespace, String workload) {
        Endpoint released = endpoints.remove(namespace + "/" + workload);
        return released == null ? Map.of() : Map.copyOf(released.byNumber());
    }

    /** Marks a workload's endpoint ready or not; a Service that selects several prefers a ready one. New endpoints are ready. */
    synchronized void ready(String namespace, String workload, boolean ready) {
        endpoints.computeIfPresent(
                namespace + "/" + workload,
                (key, endpoint) -> new Endpoint(endpoint.podLabels(), endpoint.byName(), endpoint.byNumber(), ready));
    }

    /** The loopback address of Service {@code service} port {@code port} (its number or name), if a workload backs it. */
    public Optional<InetSocketAddress> resolve(String namespace, String service, String port) {
        Service svc = services.apply(namespace, service);
        if (svc == null || svc.getSpec() == null || svc.getSpec().getPorts() == null) {
            return Optional.empty();
        }
        Map<String, String> selector = svc.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return Optional.empty();
        }
        return svc.getSpec().getPorts().stream()
                .filter(p -> port.equals(p.getName()) || port.equals(String.valueOf(p.getPort())))
                .findFirst()
                .flatMap(servicePort -> endpoints.entrySet().stream()
                        .filter(e -> e.getKey().startsWith(namespace + "/"))
                        .map(Map.Entry::getValue)
                        .filter(endpoint -> endpoint.podLabels().entrySet().containsAll(selector.entrySet()))
                        .sorted(Comparator.comparing(endpoint -> !endpoint.ready()))
                        .map(endpoint -> targetPort(endpoint, servicePort))
                        .filter(local -> local != null)
                        .findFirst())
                .map(local -> new InetSocketAddress(LOOPBACK, local));
    }

    /** The loopback address of container port {@code containerPort} of Pod {@code namespace/pod}, if it runs here. */
    Optional<InetSocketAddress> podPort(String namespace, String pod, int containerPort) {
        return Optional.ofNullable(endpoints.get(namespace + "/" + Kubelet.KIND + "/" + pod))
                .map(endpoint -> endpoint.byNumber().get(containerPort))
                .map(local -> new InetSocketAddress(LOOPBACK, local));
    }

    /** The loopback address of Service port number {@code port}. */
    public Optional<InetSocketAddress> resolve(String namespace, String service, int port) {
        return resolve(namespace, service, Integer.toString(port));
    }

    private static Integer targetPort(Endpoint endpoint, ServicePort servicePort) {
        IntOrString target = servicePort.getTargetPort();
        if (target == null) {
            return endpoint.byNumber().get(servicePort.getPort());
        }
        return target.getStrVal() != null
                ? endpoint.byName().get(target.getStrVal())
                : endpoint.byNumber().get(target.getIntVal());
    }

    /** For the controller: {@code http://127.0.0.1:<local>} when a workload backs the Service, else its cluster DNS URI. */
    public ServiceAddressResolver addressResolver() {
        ServiceAddressResolver dns = ServiceAddressResolver.clusterDns();
        return (namespace, service, port) -> resolve(namespace, service, port)
                .map(address -> URI.create("http://" + LOOPBACK + ":" + address.getPort()))
                .orElseGet(() -> dns.resolve(namespace, service, port));
    }

    /**
     * Rewrites a URI whose host is a Service's cluster DNS name ({@code <svc>.<ns>.svc[.cluster.local]}),
     * e.g. the kubeconfig's {@code socks5://…svc:1080} proxy-url, to the loopback port behind it; any other
     * URI, or one whose Service nothing backs, comes back unchanged.
     */
    public URI rewrite(URI uri) {
        String host = uri.getHost();
        if (host == null || uri.getPort() < 0) {
            return uri;
        }
        String name = host.endsWith(".svc.cluster.local")
                ? host.substring(0, host.length() - ".cluster.local".length())
                : host;
        String[] labels = name.split("\\.");
        if (labels.length != 3 || !"svc".equals(labels[2])) {
            return uri;
        }
        return resolve(labels[1], labels[0], uri.getPort())
                .map(address -> withHostPort(uri, address.getPort()))
                .orElse(uri);
    }

    private static URI withHostPort(URI uri, int port) {
        try {
            return new URI(
                    uri.getScheme(),
                    uri.getUserInfo(),
                    LOOPBACK,
                    port,
                    uri.getPath(),
                    uri.getQuery(),
                    uri.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot rewrite " + uri, e);
        }
    }
}
