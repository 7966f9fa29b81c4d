package io.d2iq.kubetunnel.camel;

import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One named work queue: producers add keys, the consumer runs them with retries and per-key serialisation. */
public class WorkQueueEndpoint extends DefaultEndpoint {

    private final String queueName;
    private final WorkQueue queue;
    private int concurrentConsumers = 1;
    private long initialBackoff = 500;
    private long maxBackoff = 60_000;

    WorkQueueEndpoint(String uri, WorkQueueComponent component, String queueName, WorkQueue queue) {
        super(uri, component);
        this.queueName = queueName;
        this.queue = queue;
    }

    @Override
    public Producer createProducer() {
        return new WorkQueueProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (concurrentConsumers < 1) {
            throw new IllegalArgumentException("concurrentConsumers must be >= 1, got " + concurrentConsumers);
        }
        WorkQueueConsumer consumer = new WorkQueueConsumer(this, processor, new KeyBackoff(initialBackoff, maxBackoff));
        configureConsumer(consumer);
        return consumer;
    }

    String getQueueName() {
        return queueName;
    }

    WorkQueue getQueue() {
        return queue;
    }

    public int getConcurrentConsumers() {
        return concurrentConsumers;
    }

    /** Worker threads of the consumer; one key still never runs on two of them at once. Default 1. */
    public void setConcurrentConsumers(int concurrentConsumers) {
        this.concurrentConsumers = concurrentConsumers;
    }

    public long getInitialBackoff() {
        return initialBackoff;
    }

    /** Milliseconds before the first retry of a failed key; doubles per failure. Default 500. */
    public void setInitialBackoff(long initialBackoff) {
        this.initialBackoff = initialBackoff;
    }

    public long getMaxBackoff() {
        return maxBackoff;
    }

    /** Cap of the retry delay in milliseconds. Default 60000. */
    public void setMaxBackoff(long maxBackoff) {
        this.maxBackoff = maxBackoff;
    }
}
