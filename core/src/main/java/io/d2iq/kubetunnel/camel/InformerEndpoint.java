package io.d2iq.kubetunnel.camel;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultEndpoint;

/** One informer per consumer: the kind, its apiVersion and the optional namespace and label filters. */
public class InformerEndpoint extends DefaultEndpoint {

    private final String kind;
    private String apiVersion = "v1";
    private String namespace = "";
    private String labelSelector;
    private long resyncPeriod = 60_000;
    private KubernetesClient kubernetesClient;

    InformerEndpoint(String uri, InformerComponent component, String kind) {
        super(uri, component);
        this.kind = kind;
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException(
                "informer: only consumes; use it in from:, not to: (" + getEndpointUri() + ")");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        InformerConsumer consumer = new InformerConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** A not yet started informer with this endpoint's filters; resolving the kind needs the API server. */
    SharedIndexInformer<GenericKubernetesResource> createInformer() {
        if (resyncPeriod < 0) {
            throw new IllegalArgumentException("resyncPeriod must be >= 0 ms (0 disables resync), got " + resyncPeriod);
        }
        MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                all = resolveClient().genericKubernetesResources(apiVersion, kind);
        FilterWatchListDeletable<
                        GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
                scoped = namespace == null || namespace.isBlank() ? all.inAnyNamespace() : all.inNamespace(namespace);
        if (labelSelector != null && !labelSelector.isBlank()) {
            scoped = scoped.withLabelSelector(labelSelector);
        }
        return scoped.runnableInformer(resyncPeriod).itemStore(new WithoutManagedFieldsStore());
    }

    private KubernetesClient resolveClient() {
        if (kubernetesClient != null) {
            return kubernetesClient;
        }
        KubernetesClient fromRegistry = getCamelContext().getRegistry().findSingleByType(KubernetesClient.class);
        if (fromRegistry == null) {
            throw new IllegalStateException(
                    getEndpointUri() + " needs a KubernetesClient: bind exactly one bean of type"
                            + " KubernetesClient in the registry, or pass kubernetesClient=#beanName");
        }
        return fromRegistry;
    }

    public String getKind() {
        return kind;
    }

    public String getApiVersion() {
        return apiVersion;
    }

    /** group/version of the kind, for example {@code apps/v1} or {@code kubetunnel.d2iq.io/v1alpha1}; default v1. */
    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
    }

    public String getNamespace() {
        return namespace;
    }

    /** Namespace to watch; empty (the default) watches all namespaces. */
    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getLabelSelector() {
        return labelSelector;
    }

    /** Kubernetes label selector, for example {@code app=x,tier!=db} or just a key that must exist. */
    public void setLabelSelector(String labelSelector) {
        this.labelSelector = labelSelector;
    }

    public long getResyncPeriod() {
        return resyncPeriod;
    }

    /** Milliseconds between RESYNC replays of every cached object; 0 disables them. Default 60000. */
    public void setResyncPeriod(long resyncPeriod) {
        this.resyncPeriod = resyncPeriod;
    }

    public KubernetesClient getKubernetesClient() {
        return kubernetesClient;
    }

    public void setKubernetesClient(KubernetesClient kubernetesClient) {
        this.kubernetesClient = kubernetesClient;
    }
}
