package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The routing table of the local ingress controller: Ingress rules by host, then the longest matching path
 * (Exact before Prefix of the same length; Prefix matches whole path segments, as Kubernetes specifies).
 * Rules whose host equals the request's are tried first, then rules without a host, which match any host.
 */
final class IngressRoutes {

    /** Where a matched request goes: a Service port (number or name) in the Ingress's namespace. */
    record Backend(String namespace, String service, String port) {}

    private record Route(String host, String path, boolean exact, Backend backend) {}

    private final List<Route> routes;

    private IngressRoutes(List<Route> routes) {
        this.routes = routes;
    }

    static IngressRoutes of(Collection<Ingress> ingresses) {
        List<Route> routes = new ArrayList<>();
        for (Ingress ingress : ingresses) {
            if (ingress.getSpec() == null || ingress.getSpec().getRules() == null) {
                continue;
            }
            String namespace = ingress.getMetadata().getNamespace();
            for (IngressRule rule : ingress.getSpec().getRules()) {
                if (rule.getHttp() == null || rule.getHttp().getPaths() == null) {
                    continue;
                }
                String host = rule.getHost() == null || rule.getHost().isEmpty()
                        ? null
                        : rule.getHost().toLowerCase(Locale.ROOT);
                for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                    Backend backend = backend(namespace, path.getBackend());
                    if (backend != null) {
                        routes.add(new Route(
                                host, normalise(path.getPath()), "Exact".equals(path.getPathType()), backend));
                    }
                }
            }
        }
        return new IngressRoutes(List.copyOf(routes));
    }

    private static Backend backend(String namespace, IngressBackend backend) {
        if (backend == null
                || backend.getService() == null
                || backend.getService().getPort() == null) {
            return null;
        }
        var port = backend.getService().getPort();
        String portValue =
                port.getName() != null && !port.getName().isEmpty() ? port.getName() : String.valueOf(port.getNumber());
        return new Backend(namespace, backend.getService().getName(), portValue);
    }

    /** The backend for a request's Host header (port ignored) and path (query ignored). */
    Optional<Backend> match(String hostHeader, String path) {
        String host = hostOnly(hostHeader);
        String requestPath = path == null || path.isEmpty() ? "/" : path;
        List<Route> candidates =
                routes.stream().filter(route -> host.equals(route.host())).toList();
        if (candidates.isEmpty()) {
            candidates = routes.stream().filter(route -> route.host() == null).toList();
        }
        return candidates.stream()
                .filter(route -> matches(route, requestPath))
                .max(Comparator.comparingInt((Route route) -> route.path().length())
                        .thenComparing(Route::exact))
                .map(Route::backend);
    }

    /** The hosts named by rules, for the proxy's TLS certificates. */
    Set<String> hosts() {
        return routes.stream()
                .map(Route::host)
                .filter(host -> host != null)
                .collect(java.util.stream.Collectors.toSet());
    }

    private static boolean matches(Route route, String path) {
        if (route.exact()) {
            return path.equals(route.path()) || (route.path().isEmpty() && path.equals("/"));
        }
        return route.path().isEmpty() || path.equals(route.path()) || path.startsWith(route.path() + "/");
    }

    /** Without a trailing slash; the root becomes the empty string, which every path extends. */
    private static String normalise(String path) {
        String normalised = path == null ? "" : path;
        while (normalised.endsWith("/")) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        return normalised;
    }

    private static String hostOnly(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String host = hostHeader.toLowerCase(Locale.ROOT).strip();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : host;
        }
        int colon = host.lastIndexOf(':');
        return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
    }
}
