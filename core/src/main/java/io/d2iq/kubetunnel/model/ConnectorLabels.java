package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Labels, selectors and owner references shared by every child of a connector. */
public final class ConnectorLabels {

    /** Value of {@code app.kubernetes.io/name} on everything kubetunnel creates. */
    public static final String APP_NAME = "kubetunnel";
    /** Value of {@code app.kubernetes.io/managed-by}. */
    public static final String MANAGED_BY = "kubetunnel-controller";
    /** Tunnel server component label value. */
    public static final String TUNNEL_SERVER = "tunnel-server";
    /** Kubeconfig webhook component label value. */
    public static final String KUBECONFIG_WEBHOOK = "kubeconfig-webhook";
    /** Agent registration (ServiceAccount, Role, token, manifests) component label value. */
    public static final String AGENT = "agent";
    /** Kubeconfig Secret component label value. */
    public static final String KUBECONFIG = "kubeconfig";

    /** Labels of the controller's pods (deploy/deployment.yaml). */
    public static final Map<String, String> CONTROLLER_POD_LABELS =
            Map.of("app.kubernetes.io/name", APP_NAME, "app.kubernetes.io/component", "controller");

    private ConnectorLabels() {}

    /** The selector that picks the pods of one component of one connector. */
    public static Map<String, String> selector(TunnelConnector connector, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", APP_NAME);
        labels.put("app.kubernetes.io/instance", connector.getMetadata().getName());
        labels.put("app.kubernetes.io/component", component);
        return labels;
    }

    /** All labels of a child: the selector plus managed-by and the connector label. */
    public static Map<String, String> labels(TunnelConnector connector, String component) {
        Map<String, String> labels = selector(connector, component);
        labels.put("app.kubernetes.io/managed-by", MANAGED_BY);
        labels.put(ConnectorResources.CONNECTOR_LABEL, connector.getMetadata().getName());
        return labels;
    }

    /** The owner reference that ties a child's lifetime to its connector. */
    public static OwnerReference ownerReference(TunnelConnector connector) {
        return new OwnerReferenceBuilder()
                .withApiVersion(connector.getApiVersion())
                .withKind(connector.getKind())
                .withName(connector.getMetadata().getName())
                .withUid(connector.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build();
    }

    /** Metadata of a child: name, the connector's namespace, labels and the owner reference. */
    public static ObjectMeta childMetadata(TunnelConnector connector, String name, String component) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(connector.getMetadata().getNamespace())
                .withLabels(labels(connector, component))
                .withOwnerReferences(List.of(ownerReference(connector)))
                .build();
    }
}
