package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.d2iq.kubetunnel.model.ConnectorInputs;
import io.d2iq.kubetunnel.model.ConnectorResources;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.VersionInfo;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Probes the remote API server with {@code GET /version} through the tunnel, as a user's client would: fabric8
 * with the registered server, CA and credentials, through the connector's tunnel-server proxy port (SOCKS5).
 * The client is built field by field ({@link RemoteClientConfig}), never by a kubeconfig loader. One client is
 * kept per connector and replaced when its kubeconfig or proxy address changes, so steady probing reuses
 * connections.
 */
public final class KubeconfigRemoteApiProbe implements RemoteApiProbe, AutoCloseable {

    /** A probe that takes longer than this counts as a failure. */
    static final int PROBE_TIMEOUT_MILLIS = 3_000;

    private final ServiceAddressResolver addresses;
    private final Map<String, ProbeClient> clients = new ConcurrentHashMap<>();

    private record ProbeClient(Kubeconfig kubeconfig, String tunnelProxyUrl, KubernetesClient client) {}

    /** @param addresses where this process reaches a Service port (cluster DNS in a cluster; loopback in the local runner) */
    public KubeconfigRemoteApiProbe(ServiceAddressResolver addresses) {
        this.addresses = addresses;
    }

    @Override
    public ConnectorFacts.ProbeResult probe(ConnectorInputs connector, Kubeconfig kubeconfig) {
        String tunnelProxyUrl = tunnelProxyUrl(connector);
        KubernetesClient client;
        try {
            client = clients.compute(ConnectorKeys.of(connector.namespace(), connector.name()), (key, cached) -> {
                        if (cached != null
                                && cached.kubeconfig().equals(kubeconfig)
                                && cached.tunnelProxyUrl().equals(tunnelProxyUrl)) {
                            return cached;
                        }
                        if (cached != null) {
                            cached.client().close();
                        }
                        return new ProbeClient(
                                kubeconfig,
                                tunnelProxyUrl,
                                new KubernetesClientBuilder()
                                        .withConfig(
                                                RemoteClientConfig.of(kubeconfig, tunnelProxyUrl, PROBE_TIMEOUT_MILLIS))
                                        .build());
                    })
                    .client();
        } catch (RuntimeException e) {
            return new ConnectorFacts.ProbeResult(
                    false, "KubeconfigInvalid", "the registered kubeconfig cannot be used: " + e.getMessage());
        }
        try {
            VersionInfo version = client.getKubernetesVersion();
            return new ConnectorFacts.ProbeResult(
                    true, "RemoteApiReachable", "GET /version through the tunnel answered " + version.getGitVersion());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 401 || e.getCode() == 403) {
                return new ConnectorFacts.ProbeResult(
                        false,
                        "RemoteCredentialsRejected",
                        "the remote API server answered " + e.getCode()
                                + " to the registered credentials: re-run the register Job on the remote cluster");
            }
            return new ConnectorFacts.ProbeResult(
                    false, "RemoteApiUnreachable", "GET /version through the tunnel failed: " + rootMessage(e));
        }
    }

    /** The SOCKS5 port of this connector's tunnel-server Service, as this process reaches it. */
    private String tunnelProxyUrl(ConnectorInputs connector) {
        URI service = addresses.resolve(
                connector.namespace(), ConnectorResources.tunnelServerName(connector.name()), connector.proxyPort());
        return "socks5://" + service.getHost() + ":" + service.getPort();
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
