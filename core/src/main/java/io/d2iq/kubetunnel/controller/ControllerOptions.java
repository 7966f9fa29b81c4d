package io.d2iq.kubetunnel.controller;

import io.d2iq.kubetunnel.model.ControllerSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How one controller process runs.
 *
 * @param routesDirectory directory of {@code *.camel.yaml} routes (users customise these)
 * @param settings image and remote role that go into the children
 * @param namespace namespace to watch, or empty for all
 * @param resync how often every connector is reconciled even without events
 * @param workers connectors reconciled in parallel (one key is never run twice at once)
 * @param managementPort port of /observe/health and /observe/metrics, or 0 for none
 * @param leaderElection the Lease to hold before watching, or null to watch without one
 * @param jolokiaRemote whether /observe/jolokia answers clients other than localhost
 */
public record ControllerOptions(
        Path routesDirectory,
        ControllerSettings settings,
        String namespace,
        Duration resync,
        int workers,
        int managementPort,
        LeaderElection leaderElection,
        boolean jolokiaRemote) {

    /**
     * A Lease that only one controller holds at a time; only its holder watches and writes.
     *
     * @param namespace namespace of the Lease
     * @param name prefix of the Lease, which Camel names {@code <name>-controller}
     * @param identity this replica's identity (the pod name)
     * @param leaseDuration how long a silent leader keeps the lease; a follower takes over after it
     */
    public record LeaderElection(String namespace, String name, String identity, Duration leaseDuration) {}
}
