package io.d2iq.kubetunnel.controller;

import io.d2iq.kubetunnel.camel.InformerCaches;
import io.d2iq.kubetunnel.model.ConnectorLabels;
import io.d2iq.kubetunnel.observe.KubernetesApiHealthCheck;
import io.d2iq.kubetunnel.observe.ManagementEndpoints;
import io.d2iq.kubetunnel.reconcile.ComponentStatusClient;
import io.d2iq.kubetunnel.reconcile.ConnectorKeys;
import io.d2iq.kubetunnel.reconcile.ConnectorReconciler;
import io.d2iq.kubetunnel.reconcile.ConnectorStatusWriter;
import io.d2iq.kubetunnel.reconcile.EventRecorder;
import io.d2iq.kubetunnel.reconcile.KubeconfigRemoteApiProbe;
import io.d2iq.kubetunnel.reconcile.ObjectCache;
import io.d2iq.kubetunnel.reconcile.ServiceAddressResolver;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import sun.misc.Signal;

/**
 * The controller as a camel-main application: routes from {@code routes/*.camel.yaml} wire watch events
 * to the reconciler bean. Usable in-process (tests, demo) through {@link #start()} and {@link #close()}.
 */
public final class ControllerApplication implements AutoCloseable {

    /** The master: namespace that every watch route shares, so one Lease decides who watches. */
    static final String LEADER_GROUP = "controller";

    static final String LEADER_PREFIX = "master:" + LEADER_GROUP + ":";
    /** Labels of the controller pods: deploy/'s Service and ServiceMonitor select them, the connectors' NetworkPolicies admit them. */
    public static final Map<String, String> CONTROLLER_POD_LABELS = ConnectorLabels.CONTROLLER_POD_LABELS;

    /** Bound of the whole stop, under Kubernetes' default termination grace of 30 s. */
    static final int SHUTDOWN_TIMEOUT_SECONDS = 20;

    private final Main main = new Main();
    private final KubeconfigRemoteApiProbe probe;
    private final ConnectorStateGauges connectorStates = new ConnectorStateGauges();

    /**
     * @param client the management cluster
     * @param addresses where Services are reached (cluster DNS in a cluster, loopback ports in local mode): the
     *        components' status and each connector's proxy port, which the probe uses whatever the kubeconfig says
     */
    public ControllerApplication(KubernetesClient client, ControllerOptions options, ServiceAddressResolver addresses) {
        Clock clock = Clock.systemUTC();
        probe = new KubeconfigRemoteApiProbe(addresses);
        ConnectorStatusWriter statusWriter = new ConnectorStatusWriter(client, new EventRecorder(client, clock), clock);
        main.bind("kubernetesClient", client);
        main.bind("kubernetesApiHealthCheck", new KubernetesApiHealthCheck(client));
        main.bind("connectorStates", connectorStates);
        // the routes' informers register their caches here; the reconciler and the gateway's connector keys read
        // from them instead of asking the API server
        InformerCaches informerCaches = new InformerCaches();
        main.bind("informerCaches", informerCaches);
        ObjectCache cache = new InformerObjectCache(informerCaches);
        main.bind("connectorKeys", new ConnectorKeys(client, cache));
        main.bind(
                "connectorReconciler",
                new ConnectorReconciler(
                        client, cache, options.settings(), new ComponentStatusClient(addresses), probe, statusWriter));
        main.configure().withName("kubetunnel-controller");
        main.configure()
                .withRoutesIncludePattern("file:" + options.routesDirectory().toAbsolutePath() + "/*.camel.yaml");
        main.configure().withTracingStandby(true);
        // Hawtio's trace view switches the backlog tracer on over JMX; standby costs nothing until then
        main.addInitialProperty("camel.trace.standby", "true");
        main.configure().withJmxEnabled(true);
        // Stop in file order: the watches first (no new keys), then the reconcile route (the work queue lets the runs
        // in flight finish, up to 15 s), then connector-state-changed, which those runs still call.
        main.configure().withShutdownRoutesInReverseOrder(false);
        // Camel's 45 s default exceeds Kubernetes' 30 s termination grace. Camel also waits for a run the work queue
        // abandoned (after 15 s) until this timeout, then stops the routes regardless.
        main.configure().withShutdownTimeout(SHUTDOWN_TIMEOUT_SECONDS);
        main.addInitialProperty("kubetunnel.namespace", options.namespace() == null ? "" : options.namespace());
        main.addInitialProperty(
                "kubetunnel.resync-millis", Long.toString(options.resync().toMillis()));
        main.addInitialProperty("kubetunnel.workers", Integer.toString(options.workers()));
        PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        connectorStates.bindTo(meterRegistry);
        ManagementEndpoints.installOnPlatformHttp(main, options.managementPort(), meterRegistry);
        if (options.managementPort() > 0) {
            main.addInitialProperty("camel.management.jolokiaEnabled", "true");
            main.bind(LoopbackJolokiaPlugin.ID, new LoopbackJolokiaPlugin(options.jolokiaRemote()));
        }
        if (options.leaderElection() != null) {
            main.bind("leaseClusterService", new LeaseClusterService(client, options.leaderElection()));
            main.addInitialProperty("kubetunnel.leader-prefix", LEADER_PREFIX);
        } else {
            main.addInitialProperty("kubetunnel.leader-prefix", "");
        }
    }

    /** Starts the routes and returns. */
    public void start() throws Exception {
        main.start();
    }

    /**
     * Runs until SIGTERM (or the JVM is asked to stop otherwise), then shuts down cleanly. SIGTERM completes the run
     * like a normal end instead of starting the JVM's shutdown, so a clean stop exits 0 rather than 143.
     */
    public void runUntilShutdown() throws Exception {
        Signal.handle(new Signal("TERM"), signal -> main.completed());
        main.run();
    }

    /** The running Camel context (for tests and Hawtio). */
    public CamelContext camelContext() {
        return main.getCamelContext();
    }

    @Override
    public void close() {
        main.stop();
        probe.close();
    }
}
