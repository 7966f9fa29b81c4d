package io.d2iq.kubetunnel.observe;

import java.util.Map;
import org.apache.logging.log4j.core.util.ContextDataProvider;

/**
 * Adds {@code connector=<namespace>/<name>} to every log line of a process that serves one connector (the
 * tunnel-server role), on every thread, Netty's and Camel's included, without each log call naming it.
 * log4j2 finds this provider through {@code META-INF/services}; log4j2.xml prints the key when it is set.
 * Process-wide on purpose: a role process serves exactly one connector.
 */
public final class ConnectorLogContext implements ContextDataProvider {

    /** The context key, as the pattern in log4j2.xml names it. */
    public static final String KEY = "connector";

    private static volatile Map<String, String> data = Map.of();

    /** From now on every log line of this process names {@code namespace/name}. */
    public static void set(String namespace, String name) {
        data = Map.of(KEY, namespace + "/" + name);
    }

    @Override
    public Map<String, String> supplyContextData() {
        return data;
    }
}
