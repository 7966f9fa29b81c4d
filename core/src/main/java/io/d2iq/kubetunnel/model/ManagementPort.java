package io.d2iq.kubetunnel.model;

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
}
