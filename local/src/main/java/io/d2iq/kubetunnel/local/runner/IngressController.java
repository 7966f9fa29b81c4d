package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local ingress controller's control plane: keeps the proxy's routing table in step with the Ingresses
 * and publishes the proxy's address in each Ingress status ({@code ip: 127.0.0.1}, the proxy port).
 */
final class IngressController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngressController.class);

    private final KubernetesClient api;
    private final Executor loop;
    private volatile IngressRoutes routes = IngressRoutes.of(List.of());
    private SharedIndexInformer<Ingress> informer;
    private int proxyPort;

    IngressController(KubernetesClient api, Executor loop) {
        this.api = api;
        this.loop = loop;
    }

    /** The current routing table. */
    IngressRoutes routes() {
        return routes;
    }

    void start(int proxyPort) {
        this.proxyPort = proxyPort;
        informer = KeyHandler.syncOnLoop(api.network().v1().ingresses().inAnyNamespace(), loop, this::sync);
    }

    private void sync(String key) {
        routes = IngressRoutes.of(informer.getStore().list());
        Ingress ingress = informer.getStore().getByKey(key);
        if (ingress == null) {
            return;
        }
        IngressStatus status = new IngressStatusBuilder()
                .withNewLoadBalancer()
                .withIngress(new IngressLoadBalancerIngressBuilder()
                        .withIp("127.0.0.1")
                        .addNewPort()
                        .withPort(proxyPort)
                        .withProtocol("TCP")
                        .endPort()
                        .build())
                .endLoadBalancer()
                .build();
        if (Objects.equals(status, ingress.getStatus())) {
            return;
        }
        Ingress patch = new IngressBuilder()
                .withNewMetadata()
                .withName(ingress.getMetadata().getName())
                .withNamespace(ingress.getMetadata().getNamespace())
                .endMetadata()
                .withStatus(status)
                .build();
        try {
            api.network().v1().ingresses().resource(patch).patchStatus();
            LOG.info("Ingress {} served at https://127.0.0.1:{}", key, proxyPort);
        } catch (KubernetesClientException e) {
            LOG.warn("Ingress {}: cannot write status: {}", key, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
