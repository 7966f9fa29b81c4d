package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.HostAliasBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The YAML that launches the agent on a remote cluster ({@code kubectl apply -f manifests.yaml}) and the
 * Secret that carries it in the management cluster.
 */
public final class AgentManifests {

    /** Namespace of the agent on the remote cluster. */
    public static final String REMOTE_NAMESPACE = "kubetunnel";
    /**
     * Name of the agent's Deployment and of the ServiceAccount that the agent and register pods run as: it has no
     * RBAC and its token is never mounted, because neither pod calls the remote API with it.
     */
    public static final String REMOTE_AGENT_NAME = "kubetunnel-agent";
    /**
     * The remote ServiceAccount whose token is registered: the management cluster's identity on the remote
     * cluster, bound to {@link ControllerSettings#agentClusterRole()}. No pod runs as it.
     */
    public static final String REMOTE_ACCESS_ACCOUNT = "kubetunnel-remote-access";
    /**
     * The ClusterRoleBinding of {@link #REMOTE_ACCESS_ACCOUNT}. It keeps the name it had when it bound the agent's
     * own account, so re-applying the manifests of an earlier release moves its subject (subjects can change, the
     * name and role cannot) instead of leaving the agent's account bound to the cluster role.
     */
    public static final String REMOTE_ACCESS_BINDING = "kubetunnel-agent";
    /** Remote Secret with the connector's token (and the gateway CA). */
    public static final String REMOTE_CONNECTOR_SECRET = "kubetunnel-connector";
    /** Remote non-expiring token Secret of {@link #REMOTE_ACCESS_ACCOUNT}, mounted only into the register Job. */
    public static final String REMOTE_ACCESS_TOKEN_SECRET = "kubetunnel-remote-access-token";
    /** Prefix of the register Job; the suffix changes whenever its inputs do, because a Job's template is immutable. */
    public static final String REGISTER_JOB_PREFIX = "kubetunnel-register-";
    /** Where remote pods mount the connector Secret. */
    public static final String CONNECTOR_MOUNT_DIR = "/var/run/secrets/kubetunnel/connector";
    /** Where the register Job mounts the remote ServiceAccount token Secret. */
    public static final String REMOTE_MOUNT_DIR = "/var/run/secrets/kubetunnel/remote";

    private static final Map<String, String> REMOTE_LABELS = Map.of(
            "app.kubernetes.io/name", ConnectorLabels.APP_NAME, "app.kubernetes.io/component", ConnectorLabels.AGENT);

    private AgentManifests() {}

    /**
     * The manifests Secret (key {@code manifests.yaml}).
     *
     * @param endpoints where the remote cluster reaches the tunnel server and webhook
     */
    public static Secret secret(ConnectorInputs inputs, ControllerSettings settings, ConnectorEndpoints endpoints) {
        TunnelConnector connector = inputs.connector();
        return new SecretBuilder()
                .withMetadata(ConnectorLabels.childMetadata(
                        connector, ConnectorResources.agentManifestsSecretName(inputs.name()), ConnectorLabels.AGENT))
                .withType("Opaque")
                .withData(Map.of(ConnectorResources.MANIFESTS_KEY, base64(yaml(inputs, settings, endpoints))))
                .build();
    }

    /** The multi-document YAML applied on the remote cluster. */
    public static String yaml(ConnectorInputs inputs, ControllerSettings settings, ConnectorEndpoints endpoints) {
        return objects(inputs, settings, endpoints).stream()
                .map(Serialization::asYaml)
                .map(doc -> doc.startsWith("---") ? doc : "---\n" + doc)
                .collect(Collectors.joining());
    }

    static List<HasMetadata> objects(
            ConnectorInputs inputs, ControllerSettings settings, ConnectorEndpoints endpoints) {
        boolean withCa = inputs.caCertificate() != null;
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(new NamespaceBuilder()
                .withMetadata(meta(REMOTE_NAMESPACE, null))
                .build());
        objects.add(new ServiceAccountBuilder()
                .withMetadata(meta(REMOTE_AGENT_NAME, REMOTE_NAMESPACE))
                .withAutomountServiceAccountToken(false)
                .build());
        objects.add(new ServiceAccountBuilder()
                .withMetadata(meta(REMOTE_ACCESS_ACCOUNT, REMOTE_NAMESPACE))
                .withAutomountServiceAccountToken(false)
                .build());
        objects.add(new ClusterRoleBindingBuilder()
                .withMetadata(meta(REMOTE_ACCESS_BINDING, null))
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName(settings.agentClusterRole())
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(REMOTE_ACCESS_ACCOUNT)
                .withNamespace(REMOTE_NAMESPACE)
                .endSubject()
                .build());
        objects.add(ServiceAccountTokenSecret.of(
                meta(REMOTE_ACCESS_TOKEN_SECRET, REMOTE_NAMESPACE), REMOTE_ACCESS_ACCOUNT));
        objects.add(connectorSecret(inputs));
        objects.add(registerJob(inputs, settings, endpoints, withCa));
        objects.add(agentDeployment(settings, endpoints, withCa));
        return objects;
    }

    private static Secret connectorSecret(ConnectorInputs inputs) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put(ConnectorResources.TOKEN_KEY, base64(inputs.agentToken()));
        if (inputs.caCertificate() != null) {
            data.put(ConnectorResources.CA_KEY, base64(inputs.caCertificate()));
        }
        return new SecretBuilder()
                .withMetadata(meta(REMOTE_CONNECTOR_SECRET, REMOTE_NAMESPACE))
                .withType("Opaque")
                .withData(data)
                .build();
    }

    private static HasMetadata registerJob(
            ConnectorInputs inputs, ControllerSettings settings, ConnectorEndpoints endpoints, boolean withCa) {
        List<String> args = new ArrayList<>(List.of(
                "register",
                "--webhook-url",
                endpoints.webhookUrl(),
                "--token-file",
                CONNECTOR_MOUNT_DIR + "/" + ConnectorResources.TOKEN_KEY,
                "--remote-token-file",
                REMOTE_MOUNT_DIR + "/" + ConnectorResources.TOKEN_KEY,
                "--remote-ca-file",
                REMOTE_MOUNT_DIR + "/" + ConnectorResources.CA_KEY));
        if (withCa) {
            args.addAll(List.of("--ca-file", CONNECTOR_MOUNT_DIR + "/" + ConnectorResources.CA_KEY));
        }
        PodSpec pod = podSpec(settings, args, "register", endpoints);
        pod.setRestartPolicy("OnFailure");
        pod.getVolumes()
                .add(new VolumeBuilder()
                        .withName("remote-token")
                        .withNewSecret()
                        .withSecretName(REMOTE_ACCESS_TOKEN_SECRET)
                        .endSecret()
                        .build());
        pod.getContainers()
                .get(0)
                .getVolumeMounts()
                .add(new VolumeMountBuilder()
                        .withName("remote-token")
                        .withMountPath(REMOTE_MOUNT_DIR)
                        .withReadOnly(true)
                        .build());
        // the pod spec covers every input of the template (args, image, mounts); the token and CA live in Secrets
        String jobName = REGISTER_JOB_PREFIX
                + shortHash(Serialization.asJson(pod) + inputs.agentToken() + inputs.caCertificate());
        return new JobBuilder()
                .withMetadata(meta(jobName, REMOTE_NAMESPACE))
                .withNewSpec()
                .withBackoffLimit(10)
                .withTtlSecondsAfterFinished(86400)
                .withTemplate(remotePodTemplate(pod))
                .endSpec()
                .build();
    }

    private static HasMetadata agentDeployment(
            ControllerSettings settings, ConnectorEndpoints endpoints, boolean withCa) {
        List<String> args = new ArrayList<>(List.of(
                "agent",
                "--server-url",
                endpoints.tunnelServerWebSocketUrl(),
                "--token-file",
                CONNECTOR_MOUNT_DIR + "/" + ConnectorResources.TOKEN_KEY,
                "--management-port",
                Integer.toString(ManagementPort.PORT)));
        if (withCa) {
            args.addAll(List.of("--ca-file", CONNECTOR_MOUNT_DIR + "/" + ConnectorResources.CA_KEY));
        }
        PodSpec pod = podSpec(settings, args, "agent", endpoints);
        withManagementProbes(pod.getContainers().get(0));
        return new DeploymentBuilder()
                .withMetadata(meta(REMOTE_AGENT_NAME, REMOTE_NAMESPACE))
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(REMOTE_LABELS)
                .endSelector()
                .withTemplate(remotePodTemplate(pod))
                .endSpec()
                .build();
    }

    private static PodTemplateSpec remotePodTemplate(PodSpec pod) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(REMOTE_LABELS)
                .endMetadata()
                .withSpec(pod)
                .build();
    }

    /**
     * Ready while the tunnel is up (the pod's Ready condition shows on the remote cluster whether the tunnel
     * works); live while the process runs. A lost tunnel is the agent's to repair by reconnecting, not a reason
     * to restart it.
     */
    private static void withManagementProbes(Container agent) {
        agent.setPorts(List.of(new ContainerPortBuilder()
                .withName(ManagementPort.NAME)
                .withContainerPort(ManagementPort.PORT)
                .withProtocol("TCP")
                .build()));
        agent.setReadinessProbe(ManagementPort.readinessProbe(5));
        agent.setLivenessProbe(ManagementPort.livenessProbe());
    }

    private static PodSpec podSpec(
            ControllerSettings settings, List<String> args, String containerName, ConnectorEndpoints endpoints) {
        PodSpec pod = new PodSpecBuilder()
                .withServiceAccountName(REMOTE_AGENT_NAME)
                .withAutomountServiceAccountToken(false)
                .withSecurityContext(RoleContainer.podSecurityContext())
                .withContainers(RoleContainer.container(containerName, settings.image(), args)
                        .addNewVolumeMount()
                        .withName("connector")
                        .withMountPath(CONNECTOR_MOUNT_DIR)
                        .withReadOnly(true)
                        .endVolumeMount()
                        .build())
                .addNewVolume()
                .withName("connector")
                .withNewSecret()
                .withSecretName(REMOTE_CONNECTOR_SECRET)
                .endSecret()
                .endVolume()
                .addToVolumes(RoleContainer.tmpVolume())
                .build();
        if (endpoints.hostAlias() != null) {
            // the gateway's host may not resolve on the remote cluster: pin it to the Ingress's address
            pod.setHostAliases(List.of(new HostAliasBuilder()
                    .withIp(endpoints.hostAlias().ip())
                    .withHostnames(endpoints.hostAlias().hostname())
                    .build()));
        }
        return pod;
    }

    private static ObjectMeta meta(String name, String namespace) {
        return new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(namespace)
                .withLabels(REMOTE_LABELS)
                .build();
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String shortHash(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
