package io.d2iq.kubetunnel.reconcile;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Probes the remote API server with {@code GET /version} through the tunnel, exactly as a user's client
 * would: fabric8 with the registered kubeconfig, whose {@code proxy-url} (socks5://) points at the tunnel
 * server's proxy port. One client is kept per connector and replaced when its kubeconfig changes, so
 * steady probing reuses connections.
 */
public final class KubeconfigRemoteApiProbe implements RemoteApiProbe, AutoCloseable {

    /** A probe that takes longer than this counts as a failure. */
    static final int PROBE_TIMEOUT_MILLIS = 3_000;

    private final UnaryOperator<String> proxyUrlRewriter;
    private final Map<String, ProbeClient> clients = new ConcurrentHashMap<>();

    private record ProbeClient(String kubeconfig, KubernetesClient client) {
    }

    /**
     * @param proxyUrlRewriter maps the kubeconfig's proxy URL to one this process can reach (identity in a
     *        cluster; the local runner maps Service DNS names to loopback ports)
     */
    public KubeconfigRemoteApiProbe(UnaryOperator<String> proxyUrlRewriter) {
        this.proxyUrlRewriter = proxyUrlRewriter;
    }

    @Override
    public ConnectorFacts.ProbeResult probe(String connectorKey, String kubeconfig) {
        KubernetesClient client;
        try {
            client = clients.compute(connectorKey, (key, cached) -> {
                if (cached != null && cached.kubeconfig().equals(kubeconfig)) {
                    return cached;
                }
                if (cached != null) {
                    cached.client().close();
                }
                return new ProbeClient(kubeconfig, newClient(kubeconfig));
            }).client();
        } catch (RuntimeException e) {
            return new ConnectorFacts.ProbeResult(false, "KubeconfigInvalid", "the registered kubeconfig cannot be used: " + e.getMessage());
        }
        try {
            VersionInfo version = client.getKubernetesVersion();
            return new ConnectorFacts.ProbeResult(true, "RemoteApiReachable",
                    "GET /version through the tunnel answered " + version.getGitVersion());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 401 || e.getCode() == 403) {
                return new ConnectorFacts.ProbeResult(false, "RemoteCredentialsRejected", "the remote API server answered " + e.getCode()
                        + " to the registered credentials: re-run the register Job on the remote cluster");
            }
            return new ConnectorFacts.ProbeResult(false, "RemoteApiUnreachable",
                    "GET /version through the tunnel failed: " + rootMessage(e));
        }
    }

    private KubernetesClient newClient(String kubeconfig) {
        Config config = Config.fromKubeconfig(kubeconfig);
        if (config.getHttpsProxy() != null) {
            config.setHttpsProxy(proxyUrlRewriter.apply(config.getHttpsProxy()));
        }
        config.setRequestTimeout(PROBE_TIMEOUT_MILLIS);
        config.setConnectionTimeout(PROBE_TIMEOUT_MILLIS);
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    @Override
    public void forget(String connectorKey) {
        ProbeClient cached = clients.remove(connectorKey);
        if (cached != null) {
            cached.client().close();
        }
    }

    @Override
    public void close() {
        clients.values().forEach(cached -> cached.client().close());
        clients.clear();
    }
}
