package io.d2iq.kubetunnel.informer;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns informer notifications into exchanges. fabric8's informer does the hard parts: list then watch, re-watch
 * from the last resourceVersion when a watch closes, a fresh list when the server answers 410 Gone, and resync;
 * this consumer only makes it retry every failure instead of stopping.
 */
final class InformerConsumer extends DefaultConsumer implements ResourceEventHandler<GenericKubernetesResource> {

    private static final Logger LOG = LoggerFactory.getLogger(InformerConsumer.class);

    private volatile SharedIndexInformer<GenericKubernetesResource> informer;

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
        SharedIndexInformer<GenericKubernetesResource> started = getEndpoint().createInformer();
        started.addEventHandler(this);
        // fabric8 gives up when the first list fails or a watch ends in error; a controller must keep trying,
        // with the informer's exponential backoff, until the API server is back
        started.exceptionHandler((isStarted, failure) -> true);
        informer = started;
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
    }

    @Override
    protected void doStop() throws Exception {
        SharedIndexInformer<GenericKubernetesResource> running = informer;
        informer = null;
        if (running != null) {
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
        boolean unchanged = Objects.equals(oldResource.getMetadata().getResourceVersion(),
                newResource.getMetadata().getResourceVersion());
        emit(unchanged ? InformerEventType.RESYNC : InformerEventType.MODIFIED, newResource);
    }

    @Override
    public void onDelete(GenericKubernetesResource resource, boolean deletedFinalStateUnknown) {
        emit(InformerEventType.DELETED, resource);
    }

    private void emit(InformerEventType type, GenericKubernetesResource resource) {
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
            if (exchange.getException() != null) {
                getExceptionHandler().handleException(
                        "Failed to process " + type + " " + getEndpoint().getKind() + " " + namespace + "/" + name,
                        exchange, exchange.getException());
            }
            releaseExchange(exchange, false);
        }
    }
}
