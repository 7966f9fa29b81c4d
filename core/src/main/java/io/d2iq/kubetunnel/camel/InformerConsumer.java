package io.d2iq.kubetunnel.camel;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns informer notifications into exchanges. fabric8's informer does the hard parts: list then watch, re-watch
 * from the last resourceVersion when a watch closes, a fresh list when the server answers 410 Gone, and resync;
 * this consumer only makes it retry every failure instead of stopping, and waits for a kind that is not served yet.
 */
final class InformerConsumer extends DefaultConsumer implements ResourceEventHandler<GenericKubernetesResource> {

    private static final Logger LOG = LoggerFactory.getLogger(InformerConsumer.class);

    /** How often to look again for a kind the API server does not serve yet. */
    static final Duration KIND_RETRY = Duration.ofSeconds(5);

    private volatile SharedIndexInformer<GenericKubernetesResource> informer;
    private volatile ScheduledExecutorService kindRetry;

    InformerConsumer(InformerEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
    }

    @Override
    public InformerEndpoint getEndpoint() {
        return (InformerEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        String uri = getEndpoint().getEndpointUri();
        if (!tryToStartInformer()) {
            // The kind is not served yet (its CRD is not installed, or discovery failed): keep the route up and
            // look again, so installing the CRDs after the controller is enough.
            LOG.warn(
                    "Informer {} waits for kind {} {} to be served (is its CustomResourceDefinition installed?); retrying every {} s",
                    uri,
                    getEndpoint().getApiVersion(),
                    getEndpoint().getKind(),
                    KIND_RETRY.toSeconds());
            kindRetry = getEndpoint()
                    .getCamelContext()
                    .getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(
                            this, "informer-wait-" + getEndpoint().getKind());
            kindRetry.scheduleWithFixedDelay(
                    () -> {
                        if (tryToStartInformer()) {
                            LOG.info(
                                    "Informer {} found kind {} {}; watching",
                                    uri,
                                    getEndpoint().getApiVersion(),
                                    getEndpoint().getKind());
                            kindRetry.shutdown();
                        }
                    },
                    KIND_RETRY.toMillis(),
                    KIND_RETRY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Starts the informer unless the API server does not (yet) serve the kind; false in that case. */
    private synchronized boolean tryToStartInformer() {
        if (!isRunAllowed()) {
            return true;
        }
        SharedIndexInformer<GenericKubernetesResource> started;
        try {
            started = getEndpoint().createInformer();
        } catch (KubernetesClientException e) {
            LOG.debug(
                    "Informer {} cannot resolve its kind yet: {}", getEndpoint().getEndpointUri(), e.getMessage());
            return false;
        }
        started.addEventHandler(this);
        // fabric8 gives up when the first list fails or a watch ends in error; a controller must keep trying,
        // with the informer's exponential backoff, until the API server is back
        started.exceptionHandler((isStarted, failure) -> true);
        informer = started;
        InformerCaches caches = getEndpoint().getCamelContext().getRegistry().findSingleByType(InformerCaches.class);
        if (caches != null) {
            InformerEndpoint endpoint = getEndpoint();
            caches.add(new InformerCaches.RunningInformer(
                    endpoint.getApiVersion(),
                    endpoint.getKind(),
                    endpoint.getNamespace() == null ? "" : endpoint.getNamespace(),
                    started));
        }
        String uri = getEndpoint().getEndpointUri();
        // Not awaited: a route must start even while the API server is unreachable.
        started.start().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warn("Informer {} failed its first list: {}", uri, failure.getMessage());
            } else {
                LOG.info("Informer {} synced", uri);
            }
        });
        started.stopped().whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.error("Informer {} stopped for good: {}", uri, failure.getMessage());
            }
        });
        return true;
    }

    @Override
    protected void doStop() throws Exception {
        ScheduledExecutorService retry = kindRetry;
        kindRetry = null;
        if (retry != null) {
            getEndpoint().getCamelContext().getExecutorServiceManager().shutdownNow(retry);
        }
        SharedIndexInformer<GenericKubernetesResource> running;
        synchronized (this) {
            running = informer;
            informer = null;
        }
        if (running != null) {
            InformerCaches caches =
                    getEndpoint().getCamelContext().getRegistry().findSingleByType(InformerCaches.class);
            if (caches != null) {
                caches.remove(running);
            }
            running.close();
        }
        super.doStop();
    }

    /** True while the informer is running and its watch is open; false once the route stopped. */
    boolean isWatching() {
        SharedIndexInformer<GenericKubernetesResource> running = informer;
        return running != null && running.isRunning() && running.isWatching();
    }

    @Override
    public void onAdd(GenericKubernetesResource resource) {
        emit(InformerEventType.ADDED, resource);
    }

    @Override
    public void onUpdate(GenericKubernetesResource oldResource, GenericKubernetesResource newResource) {
        // fabric8 replays the cached object as an update with the same resourceVersion on resync
        boolean unchanged = Objects.equals(
                oldResource.getMetadata().getResourceVersion(),
                newResource.getMetadata().getResourceVersion());
        emit(unchanged ? InformerEventType.RESYNC : InformerEventType.MODIFIED, newResource);
    }

    @Override
    public void onDelete(GenericKubernetesResource resource, boolean deletedFinalStateUnknown) {
        emit(InformerEventType.DELETED, resource);
    }

    private boolean stopping() {
        return !isRunAllowed() || getEndpoint().getCamelContext().isStopping();
    }

    private void emit(InformerEventType type, GenericKubernetesResource resource) {
        if (stopping()) {
            return; // the route is stopping: an event that lands now is dropped; the next leader's list has it
        }
        Exchange exchange = createExchange(false);
        String namespace = resource.getMetadata().getNamespace();
        String name = resource.getMetadata().getName();
        try {
            Message message = exchange.getMessage();
            message.setBody(resource);
            message.setHeader(KubetunnelHeaders.EVENT_TYPE, type.name());
            message.setHeader(KubetunnelHeaders.NAMESPACE, namespace);
            message.setHeader(KubetunnelHeaders.NAME, name);
            message.setHeader(KubetunnelHeaders.KIND, getEndpoint().getKind());
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        } finally {
            if (exchange.getException() instanceof RejectedExecutionException && stopping()) {
                // the route stopped while the event was on its way: dropped, the next leader's list has the object
                LOG.debug(
                        "dropped {} {} {}/{}: the route is stopping",
                        type,
                        getEndpoint().getKind(),
                        namespace,
                        name);
            } else if (exchange.getException() != null) {
                getExceptionHandler()
                        .handleException(
                                "Failed to process " + type + " "
                                        + getEndpoint().getKind() + " " + namespace + "/" + name,
                                exchange,
                                exchange.getException());
            }
            releaseExchange(exchange, false);
        }
    }
}
