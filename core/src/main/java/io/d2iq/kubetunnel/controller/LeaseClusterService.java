package io.d2iq.kubetunnel.controller;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's cluster service (what the {@code master:} routes ask "am I the leader?") backed by one coordination.k8s.io
 * Lease and fabric8's {@link LeaderElector}, the same algorithm as client-go's leaderelection.
 *
 * <p>Why not camel-kubernetes' {@code KubernetesClusterService}: it counts as members only the pods it can list with
 * the controller's labels, so a controller started outside a cluster ({@code controller --kubeconfig FILE}) is never
 * a member and never leads ("The list of cluster members [] does not contain the current Pod"). A Lease alone decides
 * here, so the controller needs no right on pods and leads wherever it runs. The Lease is named
 * {@code <lease-name>-controller} as before, so replicas of an earlier release and of this one exclude each other
 * during a rolling upgrade (both write the standard holderIdentity/renewTime fields).
 *
 * <p>On stop a leader empties the Lease's holder, so the next replica takes over at its next retry instead of when
 * the Lease expires. Renewals are JSON merge patches (fabric8's lock), so the leader-election Role grants patch.
 */
final class LeaseClusterService extends AbstractCamelClusterService<LeaseClusterService.LeaseView> {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseClusterService.class);

    /** Bound of every Lease call, so a slow API server cannot hold a renewal or the release on stop. */
    private static final int LEASE_CALL_TIMEOUT_MILLIS = 2_000;

    private final KubernetesClient client;
    private final ControllerOptions.LeaderElection election;

    /**
     * @param client the controller's client, whose configuration the Lease calls use (bounded, without retries)
     */
    LeaseClusterService(KubernetesClient client, ControllerOptions.LeaderElection election) {
        this.client = client;
        this.election = election;
        setId("kubetunnel-lease");
    }

    @Override
    protected LeaseView createView(String namespace) {
        return new LeaseView(this, namespace);
    }

    /** The Lease's name for one cluster namespace (the {@code master:<group>:} of the routes). */
    String leaseName(String group) {
        return election.name() + "-" + group;
    }

    /** One group's election: leads while this process holds the Lease, campaigns again after losing it. */
    final class LeaseView extends AbstractCamelClusterView {

        private final Member local = new Member(election.identity(), true);
        private volatile String leaderIdentity;
        private volatile boolean running;
        private volatile CompletableFuture<?> campaign;
        private KubernetesClient leaseClient;

        LeaseView(LeaseClusterService service, String group) {
            super(service, group);
        }

        @Override
        protected void doStart() {
            Config bounded = new ConfigBuilder(client.getConfiguration())
                    .withConnectionTimeout(LEASE_CALL_TIMEOUT_MILLIS)
                    .withRequestTimeout(LEASE_CALL_TIMEOUT_MILLIS)
                    .withRequestRetryBackoffLimit(0)
                    .build();
            leaseClient = new KubernetesClientBuilder().withConfig(bounded).build();
            running = true;
            LOG.info(
                    "leader election: campaigning for Lease {}/{} as {}",
                    election.namespace(),
                    leaseName(getNamespace()),
                    election.identity());
            campaign();
        }

        private synchronized void campaign() {
            if (!running) {
                return;
            }
            Duration lease = election.leaseDuration();
            LeaderElector elector = leaseClient
                    .leaderElector()
                    .withConfig(new LeaderElectionConfigBuilder()
                            .withName(leaseName(getNamespace()))
                            .withLock(
                                    new LeaseLock(election.namespace(), leaseName(getNamespace()), election.identity()))
                            .withLeaseDuration(lease)
                            .withRenewDeadline(lease.multipliedBy(2).dividedBy(3))
                            .withRetryPeriod(Duration.ofMillis(Math.max(500, lease.toMillis() / 5)))
                            // fabric8's release is a JSON merge patch that cannot clear the holder; release() below
                            // empties it
                            .withReleaseOnCancel(false)
                            .withLeaderCallbacks(
                                    new LeaderCallbacks(this::startedLeading, this::stoppedLeading, this::newLeader))
                            .build())
                    .build();
            campaign = elector.start();
            // an elector ends when its replica loses the Lease; a replica that still runs campaigns again
            campaign.whenComplete((ignored, error) -> CompletableFuture.runAsync(
                    this::campaign, CompletableFuture.delayedExecutor(lease.toMillis() / 5, TimeUnit.MILLISECONDS)));
        }

        private void startedLeading() {
            LOG.info(
                    "leader election: leading, Lease {}/{} held by {}",
                    election.namespace(),
                    leaseName(getNamespace()),
                    election.identity());
            leaderIdentity = election.identity();
            fireLeadershipChangedEvent(local);
        }

        private void stoppedLeading() {
            if (election.identity().equals(leaderIdentity)) {
                leaderIdentity = null;
            }
            LOG.info("leader election: not leading, Lease {}/{}", election.namespace(), leaseName(getNamespace()));
            fireLeadershipChangedEvent(Optional.empty());
        }

        private void newLeader(String identity) {
            leaderIdentity = identity == null || identity.isEmpty() ? null : identity;
            if (leaderIdentity == null) {
                return;
            }
            if (!election.identity().equals(identity)) {
                LOG.info(
                        "leader election: following, Lease {}/{} held by {}",
                        election.namespace(),
                        leaseName(getNamespace()),
                        identity);
                fireLeadershipChangedEvent(new Member(identity, false));
            }
        }

        @Override
        protected synchronized void doStop() {
            running = false;
            CompletableFuture<?> current = campaign;
            if (current != null) {
                current.cancel(true);
            }
            release();
            if (leaseClient != null) {
                leaseClient.close();
            }
        }

        /**
         * Empties the holder of a Lease this replica holds, as client-go's ReleaseOnCancel does (an update, so the
         * resourceVersion guards against a replica that took over meanwhile): the next replica takes over at its next
         * retry instead of when the Lease expires.
         */
        private void release() {
            String name = leaseName(getNamespace());
            try {
                Lease lease = leaseClient
                        .leases()
                        .inNamespace(election.namespace())
                        .withName(name)
                        .get();
                if (lease == null || !election.identity().equals(lease.getSpec().getHolderIdentity())) {
                    return;
                }
                lease.getSpec().setHolderIdentity("");
                lease.getSpec().setLeaseDurationSeconds(1);
                leaseClient.resource(lease).update();
                LOG.info(
                        "released Lease {}/{}: the next replica takes over without waiting for it to expire",
                        election.namespace(),
                        name);
            } catch (KubernetesClientException e) {
                LOG.warn(
                        "could not release Lease {}/{}; the next replica takes over once it expires: {}",
                        election.namespace(),
                        name,
                        e.getMessage());
            }
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            String identity = leaderIdentity;
            return identity == null
                    ? Optional.empty()
                    : Optional.of(identity.equals(election.identity()) ? local : new Member(identity, false));
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return local;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            // a Lease knows its holder, not the candidates
            return getLeader()
                    .filter(leader -> !leader.isLocal())
                    .<List<CamelClusterMember>>map(leader -> List.of(local, leader))
                    .orElse(List.of(local));
        }

        private final class Member implements CamelClusterMember {
            private final String id;
            private final boolean isLocal;

            Member(String id, boolean isLocal) {
                this.id = id;
                this.isLocal = isLocal;
            }

            @Override
            public boolean isLeader() {
                return id.equals(leaderIdentity);
            }

            @Override
            public boolean isLocal() {
                return isLocal;
            }

            @Override
            public String getId() {
                return id;
            }
        }
    }
}
