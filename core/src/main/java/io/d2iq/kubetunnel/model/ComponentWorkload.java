package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewayIngressSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Deployment, Service and Ingress of one per-connector component (tunnel server or kubeconfig
 * webhook). Both components share this shape: one container running a role of the kubetunnel image,
 * its HTTP port on {@link ConnectorResources#TUNNEL_PORT}, the connector token mounted read-only, and the
 * {@link ManagementPort} (added here to the args and ports) that the probes and Prometheus use; the rest of the
 * container (security, memory, JVM options) is {@link RoleContainer}'s.
 *
 * @param component component label value
 * @param name name of the Deployment, Service and Ingress
 * @param args the container's arguments (role first), without {@code --management-port}
 * @param ports container ports, also exposed by the Service under the same names; the first is the Ingress backend
 * @param serviceAccountName pod ServiceAccount, or null for the namespace default without an API token
 * @param ingressPath path on the gateway's Ingress
 * @param recreate whether an update stops the old pod before starting the new one (Recreate) instead of rolling
 */
public record ComponentWorkload(
        String component,
        String name,
        List<String> args,
        List<NamedPort> ports,
        String serviceAccountName,
        String ingressPath,
        boolean recreate) {

    /**
     * Annotation on each Ingress listing the gateway's {@code extraAnnotations} keys it carries, so that a key
     * removed from the gateway changes the desired Ingress and is removed from the Ingress too.
     */
    public static final String EXTRA_ANNOTATIONS_ANNOTATION = "kubetunnel.d2iq.io/extra-annotations";

    /** A named TCP port of the component. */
    public record NamedPort(String name, int port) {}

    private static final String TOKEN_VOLUME = "connector-token";

    /** The component's Deployment: one replica, non-root, read-only root filesystem, probes on the management port. */
    public Deployment deployment(TunnelConnector connector, ControllerSettings settings) {
        Map<String, String> selector = ConnectorLabels.selector(connector, component);
        return new DeploymentBuilder()
                .withMetadata(ConnectorLabels.childMetadata(connector, name, component))
                .withNewSpec()
                .withReplicas(1)
                .withNewStrategy()
                .withType(recreate ? "Recreate" : "RollingUpdate")
                .endStrategy()
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(ConnectorLabels.labels(connector, component))
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(serviceAccountName)
                .withAutomountServiceAccountToken(serviceAccountName != null)
                .withSecurityContext(RoleContainer.podSecurityContext())
                .withContainers(container(settings))
                .addNewVolume()
                .withName(TOKEN_VOLUME)
                .withNewSecret()
                .withSecretName(ConnectorResources.agentTokenSecretName(
                        connector.getMetadata().getName()))
                .addNewItem()
                .withKey(ConnectorResources.TOKEN_KEY)
                .withPath(ConnectorResources.TOKEN_KEY)
                .endItem()
                .endSecret()
                .endVolume()
                .addToVolumes(RoleContainer.tmpVolume())
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private Container container(ControllerSettings settings) {
        return RoleContainer.container(component, settings.image(), containerArgs())
                .withPorts(allPorts().stream()
                        .map(ComponentWorkload::containerPort)
                        .toList())
                .withReadinessProbe(ManagementPort.readinessProbe(2))
                .withLivenessProbe(ManagementPort.livenessProbe())
                .addNewVolumeMount()
                .withName(TOKEN_VOLUME)
                .withMountPath(ConnectorResources.TOKEN_MOUNT_DIR)
                .withReadOnly(true)
                .endVolumeMount()
                .build();
    }

    private List<String> containerArgs() {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--management-port", Integer.toString(ManagementPort.PORT)));
        return all;
    }

    private List<NamedPort> allPorts() {
        List<NamedPort> all = new ArrayList<>(ports);
        all.add(new NamedPort(ManagementPort.NAME, ManagementPort.PORT));
        return all;
    }

    private static ContainerPort containerPort(NamedPort port) {
        return new ContainerPortBuilder()
                .withName(port.name())
                .withContainerPort(port.port())
                .withProtocol("TCP")
                .build();
    }

    /** The component's ClusterIP Service, exposing every port under its name (the management port for Prometheus). */
    public Service service(TunnelConnector connector) {
        return new ServiceBuilder()
                .withMetadata(ConnectorLabels.childMetadata(connector, name, component))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(ConnectorLabels.selector(connector, component))
                .withPorts(
                        allPorts().stream().map(ComponentWorkload::servicePort).toList())
                .endSpec()
                .build();
    }

    private static ServicePort servicePort(NamedPort port) {
        return new ServicePortBuilder()
                .withName(port.name())
                .withPort(port.port())
                .withTargetPort(new IntOrString(port.name()))
                .withProtocol("TCP")
                .build();
    }

    /**
     * The component's Ingress on the gateway's host and path, or null (meaning: must not exist) when the
     * gateway has no ingress. No TLS block: the gateway names no certificate Secret, so TLS comes from the
     * ingress controller's default certificate or from {@code extraAnnotations} (e.g. cert-manager's).
     */
    public Ingress ingress(TunnelConnector connector, TunnelGatewayIngressSpec ingressSpec) {
        if (ingressSpec == null) {
            return null;
        }
        Ingress ingress = new IngressBuilder()
                .withMetadata(ConnectorLabels.childMetadata(connector, name, component))
                .withNewSpec()
                .addNewRule()
                .withHost(ingressSpec.getHost())
                .withNewHttp()
                .addNewPath()
                .withPath(ingressPath)
                .withPathType("Prefix")
                .withNewBackend()
                .withNewService()
                .withName(name)
                .withNewPort()
                .withName(ports.get(0).name())
                .endPort()
                .endService()
                .endBackend()
                .endPath()
                .endHttp()
                .endRule()
                .endSpec()
                .build();
        Map<String, String> annotations = new TreeMap<>();
        if (ingressSpec.getExtraAnnotations() != null) {
            annotations.putAll(ingressSpec.getExtraAnnotations());
        }
        annotations.put(EXTRA_ANNOTATIONS_ANNOTATION, String.join(",", annotations.keySet()));
        ingress.getMetadata().setAnnotations(annotations);
        return ingress;
    }
}
