package io.d2iq.kubetunnel.camel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code workqueue:<name>}: a keyed work queue (see {@link WorkQueue}); producers and consumers of one name share
 * one queue in the CamelContext. Registered by scheme in {@code META-INF/services/org/apache/camel/component/workqueue}.
 */
public class WorkQueueComponent extends DefaultComponent {

    private final Map<String, WorkQueue> queues = new ConcurrentHashMap<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException(
                    "workqueue: needs a queue name, for example workqueue:connectors (got '" + uri + "')");
        }
        WorkQueueEndpoint endpoint =
                new WorkQueueEndpoint(uri, this, remaining, queues.computeIfAbsent(remaining, n -> new WorkQueue()));
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
