package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.observe.ManagementEndpoints;
import io.d2iq.kubetunnel.observe.ReadinessCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import javax.net.ssl.SSLException;
import org.apache.camel.main.Main;

/**
 * The agent role: the {@link TunnelAgent} and a camel-main application without routes whose only job is the
 * management port, ready while a tunnel session is up. The byte relay stays in Netty; Camel only serves
 * {@code /observe/health} and {@code /observe/metrics}.
 */
public final class AgentApplication implements AutoCloseable {

    /** Id of the readiness check that a tunnel session is established. */
    public static final String TUNNEL_CHECK = "tunnel";

    private final PrometheusMeterRegistry meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TunnelAgent agent;
    private final Main main;

    /** @param managementPort port of /observe/health and /observe/metrics, 0 for none (then Camel is not started) */
    public AgentApplication(AgentSettings settings, int managementPort) throws SSLException {
        agent = new TunnelAgent(settings, meterRegistry);
        if (managementPort == 0) {
            main = null;
            return;
        }
        main = new Main();
        main.setDefaultPropertyPlaceholderLocation("false");
        main.configure().setName("agent");
        main.bind(
                TUNNEL_CHECK,
                new ReadinessCheck(TUNNEL_CHECK, agent::isConnected, "no tunnel session to " + settings.serverUri()));
        ManagementEndpoints.install(main, managementPort, meterRegistry);
    }

    /** Starts the management port, then the agent; returns at once (the agent keeps reconnecting until closed). */
    public void start() {
        if (main != null) {
            main.start();
        }
        agent.start();
    }

    public TunnelAgent agent() {
        return agent;
    }

    @Override
    public void close() {
        agent.close();
        if (main != null) {
            main.stop();
        }
    }
}
