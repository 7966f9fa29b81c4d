package io.d2iq.kubetunnel.camel;

import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/** Adds the body, as a String key such as {@code namespace/name}, to the queue; a key already waiting is not added twice. */
final class WorkQueueProducer extends DefaultProducer {

    WorkQueueProducer(WorkQueueEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String key = exchange.getMessage().getMandatoryBody(String.class);
        if (key.isBlank()) {
            throw new IllegalArgumentException("workqueue: the body must be a non-empty key such as namespace/name");
        }
        ((WorkQueueEndpoint) getEndpoint()).getQueue().add(key);
    }
}
