package io.d2iq.kubetunnel.controller;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.lock.impl.NativeLeaseResourceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's Kubernetes leader election, plus what Camel 4.18 does not do on stop: a leader empties the holder of its
 * Lease, so the next replica takes over at its next poll instead of when the Lease runs out. Camel stops the routes
 * before its services, so only a run the work queue abandoned (docs/operations.md, "Stopping") may still write then.
 */
final class LeaseReleasingClusterService extends KubernetesClusterService {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseReleasingClusterService.class);

    private static final int RELEASE_TIMEOUT_MILLIS = 2_000;

    private final KubernetesClient client;
    private final String group;

    /**
     * @param client the controller's client, whose configuration the release uses (the service closes its own)
     * @param group the cluster namespace of the watch routes ({@code master:<group>:})
     */
    LeaseReleasingClusterService(KubernetesConfiguration configuration, KubernetesClient client, String group) {
        super(configuration);
        this.client = client;
        this.group = group;
    }

    @Override
    protected void doStop() throws Exception {
        boolean leader = isLeader(group);
        super.doStop();
        if (leader) {
            release();
        }
    }

    private void release() {
        // Camel's own Lease format, read and written the way Camel does, with the optimistic lock of its resourceVersion
        NativeLeaseResourceManager leases = new NativeLeaseResourceManager();
        String lease = getKubernetesResourcesNamespace() + "/" + getKubernetesResourceName() + "-" + group;
        // Bounded, so a slow API server cannot hold the stop past the pod's termination grace: the Lease then expires
        Config bounded = new ConfigBuilder(client.getConfiguration()).withConnectionTimeout(RELEASE_TIMEOUT_MILLIS)
                .withRequestTimeout(RELEASE_TIMEOUT_MILLIS).withRequestRetryBackoffLimit(0).build();
        try (KubernetesClient releasing = new KubernetesClientBuilder().withConfig(bounded).build()) {
            Lease current = leases.fetchLeaseResource(releasing, getKubernetesResourcesNamespace(), getKubernetesResourceName(), group);
            if (current != null && getPodName().equals(current.getSpec().getHolderIdentity())) {
                leases.optimisticDeleteLeaderInfo(releasing, current, group);
                LOG.info("released Lease {}: the next replica takes over without waiting for it to expire", lease);
            }
        } catch (RuntimeException e) {
            LOG.warn("could not release Lease {}; the next replica takes over once it expires: {}", lease, e.getMessage());
        }
    }
}
