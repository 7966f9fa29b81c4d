package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewayIngressSpec;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewaySpec;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import java.util.Map;

/** Connectors and gateways as a user would write them. */
public final class ConnectorFixtures {

    private ConnectorFixtures() {}

    public static TunnelConnector connector(String namespace, String name, String gateway, Integer proxyPort) {
        TunnelConnector connector = new TunnelConnector();
        connector.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withUid("uid-" + name)
                .build());
        TunnelConnectorSpec spec = new TunnelConnectorSpec();
        spec.setGatewayRef(gateway == null ? null : new LocalObjectReference(gateway));
        spec.setProxyPort(proxyPort);
        connector.setSpec(spec);
        return connector;
    }

    public static TunnelGateway gateway(String namespace, String name, String host, String prefix, String caSecret) {
        TunnelGatewayIngressSpec ingress = new TunnelGatewayIngressSpec();
        ingress.setHost(host);
        ingress.setUrlPathPrefix(prefix);
        ingress.setExtraAnnotations(Map.of("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600"));
        if (caSecret != null) {
            ingress.setCaSecretRef(
                    new ObjectReferenceBuilder().withName(caSecret).build());
        }
        TunnelGatewaySpec spec = new TunnelGatewaySpec();
        spec.setIngress(ingress);
        TunnelGateway gateway = new TunnelGateway();
        gateway.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withGeneration(1L)
                .build());
        gateway.setSpec(spec);
        return gateway;
    }

    public static TunnelGateway gatewayWithoutIngress(String namespace, String name) {
        TunnelGateway gateway = new TunnelGateway();
        gateway.setMetadata(new ObjectMetaBuilder()
                .withNamespace(namespace)
                .withName(name)
                .withGeneration(1L)
                .build());
        gateway.setSpec(new TunnelGatewaySpec());
        return gateway;
    }
}
