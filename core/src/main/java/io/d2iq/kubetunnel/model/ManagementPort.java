package io.d2iq.kubetunnel.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;

/**
 * The management port every long-running role serves (controller, tunnel-server, kubeconfig-webhook, agent):
 * its number and name in the pods the controller writes, and the paths their probes use (Camel's defaults;
 * Prometheus scrapes {@code /observe/metrics}).
 */
public final class ManagementPort {

    /** Default of each role's {@code --management-port}, and the port in every pod the controller writes. */
    public static final int PORT = 8080;
    /** Name of the container port (and the per-connector Service port) for Prometheus and probes. */
    public static final String NAME = "management";
    /** The role's process runs (Camel's liveness checks). */
    public static final String LIVENESS_PATH = "/observe/health/live";
    /** The role can do its job (Camel's readiness checks plus the role's own). */
    public static final String READINESS_PATH = "/observe/health/ready";

    private ManagementPort() {}

    /** The readiness probe of a role's container, every {@code periodSeconds}. */
    public static Probe readinessProbe(int periodSeconds) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(READINESS_PATH)
                .withPort(new IntOrString(NAME))
                .endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .build();
    }

    /** The liveness probe of a role's container: restarted after three failures ten seconds apart. */
    public static Probe livenessProbe() {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(LIVENESS_PATH)
                .withPort(new IntOrString(NAME))
                .endHttpGet()
                .withPeriodSeconds(10)
                .withFailureThreshold(3)
                .build();
    }
}
