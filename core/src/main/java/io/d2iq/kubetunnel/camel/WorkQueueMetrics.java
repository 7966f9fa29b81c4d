package io.d2iq.kubetunnel.camel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;

/**
 * Micrometer meters of one work queue, registered when the registry holds exactly one MeterRegistry:
 * {@code kubetunnel.workqueue.depth} (keys ready), {@code kubetunnel.workqueue.delayed} (keys waiting for a backoff
 * or requeue-after) and {@code kubetunnel.workqueue.retries} (failed runs requeued), all tagged {@code queue}.
 */
final class WorkQueueMetrics {

    private static final WorkQueueMetrics NONE = new WorkQueueMetrics(null);

    private final Counter retries;

    private WorkQueueMetrics(Counter retries) {
        this.retries = retries;
    }

    static WorkQueueMetrics register(CamelContext context, String queueName, WorkQueue queue) {
        MeterRegistry registry = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return NONE;
        }
        // a restarted route keeps its queue, and so its gauges
        if (registry.find("kubetunnel.workqueue.depth").tag("queue", queueName).gauge() == null) {
            Gauge.builder("kubetunnel.workqueue.depth", queue, WorkQueue::depth)
                    .tag("queue", queueName)
                    .description("Keys ready to run")
                    .strongReference(true)
                    .register(registry);
            Gauge.builder("kubetunnel.workqueue.delayed", queue, WorkQueue::delayedCount)
                    .tag("queue", queueName)
                    .description("Keys waiting for a backoff or requeue-after delay")
                    .strongReference(true)
                    .register(registry);
        }
        return new WorkQueueMetrics(Counter.builder("kubetunnel.workqueue.retries")
                .tag("queue", queueName)
                .description("Failed runs requeued with backoff")
                .register(registry));
    }

    void retried() {
        if (retries != null) {
            retries.increment();
        }
    }
}
