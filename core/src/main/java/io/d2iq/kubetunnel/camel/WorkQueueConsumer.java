package io.d2iq.kubetunnel.camel;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs queued keys on {@code concurrentConsumers} threads: one exchange per key, body and header
 * {@link KubetunnelHeaders#KEY} the key. A failed exchange requeues the key with backoff; an exchange whose body
 * ends as a {@link Requeue} requeues it after that delay. Stopping takes no new key and waits up to
 * {@link #STOP_GRACE} for the runs in flight.
 */
final class WorkQueueConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueueConsumer.class);
    /**
     * How long a stop waits for the runs in flight: well under Kubernetes' default termination grace of 30 s, so
     * the process still exits by itself, and far above a healthy reconcile (milliseconds).
     */
    static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final KeyBackoff backoff;
    private volatile boolean running;
    private volatile WorkQueueMetrics metrics;
    private ExecutorService workers;

    WorkQueueConsumer(WorkQueueEndpoint endpoint, Processor processor, KeyBackoff backoff) {
        super(endpoint, processor);
        this.backoff = backoff;
    }

    @Override
    public WorkQueueEndpoint getEndpoint() {
        return (WorkQueueEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        int count = getEndpoint().getConcurrentConsumers();
        metrics = WorkQueueMetrics.register(
                getEndpoint().getCamelContext(),
                getEndpoint().getQueueName(),
                getEndpoint().getQueue());
        running = true;
        workers = getEndpoint()
                .getCamelContext()
                .getExecutorServiceManager()
                .newFixedThreadPool(this, "workqueue-" + getEndpoint().getQueueName(), count);
        for (int i = 0; i < count; i++) {
            workers.execute(this::work);
        }
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        WorkQueue queue = getEndpoint().getQueue();
        queue.wakeUpWaiters();
        if (workers != null) {
            LOG.info(
                    "workqueue {} stopping: {} runs in flight, {} keys stay queued",
                    getEndpoint().getQueueName(),
                    queue.inFlight().size(),
                    queue.depth() + queue.delayedCount());
            // Not shutdownGraceful: after its timeout it interrupts the runs still going, and every interrupted
            // run fails its API call and logs an error. shutdown() also stops Camel from forcing this pool later.
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(workers);
            if (!workers.awaitTermination(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                var abandoned = queue.inFlight();
                // not interrupted either: they end with the process; an informer's next list enqueues their keys again
                LOG.warn(
                        "workqueue {} stopped with {} runs still in flight after {} s, abandoned: {}",
                        getEndpoint().getQueueName(),
                        abandoned.size(),
                        STOP_GRACE.toSeconds(),
                        abandoned);
            }
            workers = null;
        }
        super.doStop();
    }

    private void work() {
        WorkQueue queue = getEndpoint().getQueue();
        try {
            String key;
            // once stopping, a worker takes no new key: queued keys wait for the next start
            while (running && (key = queue.take(() -> running)) != null) {
                try {
                    run(key);
                } finally {
                    queue.done(key);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(String key) {
        Exchange exchange = createExchange(false);
        try {
            exchange.getMessage().setBody(key);
            exchange.getMessage().setHeader(KubetunnelHeaders.KEY, key);
            getProcessor().process(exchange);
            if (exchange.getException() != null) {
                retry(key, exchange.getException());
                return;
            }
            long requeueAfter = requeueAfterMillis(exchange.getMessage().getBody());
            backoff.forget(key);
            // 0 or less means no requeue: an immediate one would be a hot loop
            if (requeueAfter > 0) {
                getEndpoint().getQueue().addAfter(key, requeueAfter);
            }
        } catch (Exception e) {
            retry(key, e);
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private void retry(String key, Throwable failure) {
        long delay = backoff.nextDelay(key);
        LOG.warn(
                "Key {} failed (attempt {}), retrying in {} ms: {}",
                key,
                backoff.failures(key),
                delay,
                failure.getMessage());
        getEndpoint().getQueue().addAfter(key, delay);
        metrics.retried();
    }

    /** The delay a {@link Requeue} body asks for; any other body asks for none (0). */
    private static long requeueAfterMillis(Object body) {
        if (body instanceof Requeue requeue && requeue.requeueAfter() != null) {
            return requeue.requeueAfter().toMillis();
        }
        return 0;
    }
}
