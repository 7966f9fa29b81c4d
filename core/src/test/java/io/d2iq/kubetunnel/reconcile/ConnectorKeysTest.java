package io.d2iq.kubetunnel.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectorKeysTest {

    @Test
    void aGatewayMapsToTheConnectorsInTheCacheThatReferenceIt() {
        ObjectCache cache = new ObjectCache() {
            @Override
            public boolean covers(Class<? extends HasMetadata> type, String namespace) {
                return type == TunnelConnector.class;
            }

            @Override
            public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
                return null;
            }

            @Override
            public <T extends HasMetadata> List<T> list(Class<T> type, String namespace) {
                return List.of(
                        type.cast(connector("a", "gw")),
                        type.cast(connector("b", "other")),
                        type.cast(connector("c", null)),
                        type.cast(connector("d", "gw")));
            }
        };
        TunnelGateway gateway = new TunnelGateway();
        gateway.setMetadata(
                new ObjectMetaBuilder().withNamespace("ns").withName("gw").build());

        // no client: a covered namespace never asks the API server
        assertThat(new ConnectorKeys(null, cache).referencingGateway(gateway)).containsExactly("ns/a", "ns/d");
    }

    private static TunnelConnector connector(String name, String gateway) {
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(
                new ObjectMetaBuilder().withNamespace("ns").withName(name).build());
        TunnelConnectorSpec spec = new TunnelConnectorSpec();
        spec.setGatewayRef(gateway == null ? null : new LocalObjectReference(gateway));
        connector.setSpec(spec);
        return connector;
    }
}
