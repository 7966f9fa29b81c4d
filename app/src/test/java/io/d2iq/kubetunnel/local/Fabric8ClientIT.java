package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorStatus;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fabric8 client (what the controller uses) against local-api over TLS, through {@link LocalApiExtension}. */
class Fabric8ClientIT {

    @RegisterExtension
    static final LocalApiExtension API = LocalApiExtension.tls();

    @BeforeAll
    static void installCrds() throws IOException {
        try (Stream<Path> files = Files.list(KubectlAcceptanceTests.CRDS)) {
            for (Path file : files.toList()) {
                API.client().load(Files.newInputStream(file)).create();
            }
        }
    }

    @Test
    void statusUpdatesChangeOnlyStatusAndSpecUpdatesKeepItAndBumpGeneration() {
        TunnelConnector created =
                API.client().resource(connector("crud", "one", 1080)).create();
        assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();

        created.setStatus(status(TunnelConnectorState.Listening));
        created.getSpec().setProxyPort(2);
        API.client().resource(created).updateStatus();
        TunnelConnector afterStatus = API.client()
                .resources(TunnelConnector.class)
                .inNamespace("crud")
                .withName("one")
                .get();
        assertThat(afterStatus.getStatus().getState()).isEqualTo(TunnelConnectorState.Listening);
        assertThat(afterStatus.getSpec().getProxyPort()).isEqualTo(1080);
        assertThat(afterStatus.getMetadata().getGeneration())
                .isEqualTo(created.getMetadata().getGeneration());

        afterStatus.getSpec().setProxyPort(1081);
        afterStatus.setStatus(status(TunnelConnectorState.Failed));
        API.client().resource(afterStatus).update();
        TunnelConnector afterSpec = API.client()
                .resources(TunnelConnector.class)
                .inNamespace("crud")
                .withName("one")
                .get();
        assertThat(afterSpec.getSpec().getProxyPort()).isEqualTo(1081);
        assertThat(afterSpec.getStatus().getState()).isEqualTo(TunnelConnectorState.Listening);
        assertThat(afterSpec.getMetadata().getGeneration())
                .isEqualTo(created.getMetadata().getGeneration() + 1);

        assertThat(API.client().resource(afterSpec).delete()).isNotEmpty();
        assertThat(API.client()
                        .resources(TunnelConnector.class)
                        .inNamespace("crud")
                        .withName("one")
                        .get())
                .isNull();
    }

    @Test
    void invalidProxyPortIsRefusedWith422NamingTheField() {
        assertThatThrownBy(() -> API.client()
                        .resource(connector("invalid", "too-high", 70000))
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getDetails().getCauses())
                            .anySatisfy(cause -> assertThat(cause.getField()).isEqualTo("spec.proxyPort"));
                });
    }

    @Test
    void informerSeesAddUpdateAndDelete() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (SharedIndexInformer<TunnelConnector> informer = API.client()
                .resources(TunnelConnector.class)
                .inNamespace("informed")
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(TunnelConnector obj) {
                        events.add("add " + obj.getMetadata().getName());
                    }

                    @Override
                    public void onUpdate(TunnelConnector oldObj, TunnelConnector newObj) {
                        events.add("update " + newObj.getMetadata().getName() + " "
                                + newObj.getSpec().getProxyPort());
                    }

                    @Override
                    public void onDelete(TunnelConnector obj, boolean deletedFinalStateUnknown) {
                        events.add("delete " + obj.getMetadata().getName());
                    }
                })) {
            await().atMost(Duration.ofSeconds(30)).until(informer::hasSynced);

            TunnelConnector created = API.client()
                    .resource(connector("informed", "watched", 1080))
                    .create();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("add watched"));

            created.getSpec().setProxyPort(1090);
            API.client().resource(created).update();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("update watched 1090"));

            API.client().resource(created).delete();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.contains("delete watched"));
        }
    }

    private static TunnelConnector connector(String namespace, String name, int proxyPort) {
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        TunnelConnectorSpec spec = new TunnelConnectorSpec();
        spec.setGatewayRef(new LocalObjectReference("demo-gateway"));
        spec.setProxyPort(proxyPort);
        connector.setSpec(spec);
        return connector;
    }

    private static TunnelConnectorStatus status(TunnelConnectorState state) {
        TunnelConnectorStatus status = new TunnelConnectorStatus();
        status.setState(state);
        return status;
    }
}
