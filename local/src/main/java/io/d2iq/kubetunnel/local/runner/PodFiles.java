package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kubelet mounts into a pod, written under the pod's directory: Secret, ConfigMap, emptyDir and projected
 * volumes (the {@code kube-api-access-*} volume a real API server adds: a TokenRequest token of the Pod's
 * ServiceAccount, the {@code kube-root-ca.crt} ConfigMap, the namespace from the downward API), and on the embedded
 * API a stand-in service account directory. Secrets and ConfigMaps are read fresh from the API; one that is missing
 * (or lacks a listed key) keeps the pod from starting, as it keeps a real pod in ContainerCreating.
 */
final class PodFiles {

    /** Where a pod finds its service account token, CA and namespace. */
    static final String SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

    private static final Logger LOG = LoggerFactory.getLogger(PodFiles.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A pod cannot start yet; the reason is what kubectl would show in its events. */
    static final class NotReady extends Exception {
        NotReady(String reason) {
            super(reason);
        }
    }

    /**
     * The files of a mounted service account.
     *
     * @param tokenFile its token
     * @param caFile    the API CA, or null for a plain-HTTP API
     */
    record ServiceAccountFiles(Path tokenFile, Path caFile) {}

    /**
     * The pod whose files these are.
     *
     * @param namespace      its namespace
     * @param name           its name (on the embedded API, the workload's)
     * @param uid            its uid, which a projected token is bound to; null on the embedded API
     * @param serviceAccount its ServiceAccount ({@code default} when the spec names none)
     * @param labels         its labels, for the downward API
     */
    record PodRef(String namespace, String name, String uid, String serviceAccount, Map<String, String> labels) {}

    /** Kubernetes' default lifetime of a projected service account token. */
    private static final long DEFAULT_TOKEN_SECONDS = 3600;

    private final KubernetesClient api;
    private final ApiEndpoint endpoint;

    PodFiles(KubernetesClient api, ApiEndpoint endpoint) {
        this.api = api;
        this.endpoint = endpoint;
    }

    /** Writes the container's volumes under {@code podDir}; returns mountPath to local path. */
    Map<String, Path> mountVolumes(PodRef ref, PodSpec pod, Container container, Path podDir) throws NotReady {
        Map<String, Volume> volumes = new HashMap<>();
        if (pod.getVolumes() != null) {
            pod.getVolumes().forEach(volume -> volumes.put(volume.getName(), volume));
        }
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount mount :
                container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
            Volume volume = volumes.get(mount.getName());
            if (volume == null) {
                throw new NotReady("volume mount " + mount.getName() + " names no volume");
            }
            Path dir = podDir.resolve("volumes").resolve(volume.getName());
            writeVolume(ref, volume, dir);
            String subPath = mount.getSubPath();
            mounts.put(mount.getMountPath(), subPath == null || subPath.isEmpty() ? dir : dir.resolve(subPath));
        }
        return mounts;
    }

    /** Writes {@code token}, {@code namespace} and (for TLS) {@code ca.crt}, as the kubelet projects them. */
    ServiceAccountFiles mountServiceAccount(String namespace, Path podDir) {
        Path dir = podDir.resolve("serviceaccount");
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        // The embedded API authenticates nobody, so any token serves; a fresh one per pod keeps it realistic.
        write(dir.resolve("token"), Base64.getUrlEncoder().withoutPadding().encode(token));
        write(dir.resolve("namespace"), namespace.getBytes(StandardCharsets.UTF_8));
        Path ca = null;
        if (endpoint.caPem() != null) {
            ca = dir.resolve("ca.crt");
            write(ca, endpoint.caPem().getBytes(StandardCharsets.UTF_8));
        }
        return new ServiceAccountFiles(dir.resolve("token"), ca);
    }

    private void writeVolume(PodRef ref, Volume volume, Path dir) throws NotReady {
        String namespace = ref.namespace();
        mkdirs(dir);
        if (volume.getSecret() != null) {
            writeSecret(
                    dir,
                    namespace,
                    volume.getSecret().getSecretName(),
                    volume.getSecret().getOptional(),
                    volume.getSecret().getItems());
        } else if (volume.getConfigMap() != null) {
            writeConfigMap(
                    dir,
                    namespace,
                    volume.getConfigMap().getName(),
                    volume.getConfigMap().getOptional(),
                    volume.getConfigMap().getItems());
        } else if (volume.getProjected() != null) {
            for (VolumeProjection source : volume.getProjected().getSources()) {
                writeProjection(ref, source, dir);
            }
        } else if (volume.getEmptyDir() == null) {
            LOG.warn(
                    "volume {} of a pod in {} has a type the local runner does not mount; it stays empty",
                    volume.getName(),
                    namespace);
        }
    }

    /** A Secret's keys as files (a volume's or a projection's): a missing Secret that is not optional is not ready. */
    private void writeSecret(Path dir, String namespace, String name, Boolean optional, List<KeyToPath> items)
            throws NotReady {
        Secret secret = api.secrets().inNamespace(namespace).withName(name).get();
        writeSource(dir, "secret", namespace, name, secret == null ? null : secretData(secret), optional, items);
    }

    /** A ConfigMap's keys as files, as {@link #writeSecret} does a Secret's. */
    private void writeConfigMap(Path dir, String namespace, String name, Boolean optional, List<KeyToPath> items)
            throws NotReady {
        ConfigMap configMap =
                api.configMaps().inNamespace(namespace).withName(name).get();
        writeSource(
                dir,
                "configmap",
                namespace,
                name,
                configMap == null ? null : configMapData(configMap),
                optional,
                items);
    }

    private void writeSource(
            Path dir,
            String kind,
            String namespace,
            String name,
            Map<String, byte[]> data,
            Boolean optional,
            List<KeyToPath> items)
            throws NotReady {
        boolean isOptional = Boolean.TRUE.equals(optional);
        if (data == null && !isOptional) {
            throw new NotReady(kind + " " + namespace + "/" + name + " not found");
        }
        writeKeys(dir, data == null ? Map.of() : data, items, isOptional, kind + " " + name);
    }

    private void writeProjection(PodRef ref, VolumeProjection source, Path dir) throws NotReady {
        String namespace = ref.namespace();
        if (source.getServiceAccountToken() != null) {
            ServiceAccountTokenProjection projection = source.getServiceAccountToken();
            write(
                    dir.resolve(projection.getPath()),
                    requestToken(ref, projection).getBytes(StandardCharsets.UTF_8));
        } else if (source.getConfigMap() != null) {
            writeConfigMap(
                    dir,
                    namespace,
                    source.getConfigMap().getName(),
                    source.getConfigMap().getOptional(),
                    source.getConfigMap().getItems());
        } else if (source.getSecret() != null) {
            writeSecret(
                    dir,
                    namespace,
                    source.getSecret().getName(),
                    source.getSecret().getOptional(),
                    source.getSecret().getItems());
        } else if (source.getDownwardAPI() != null) {
            for (DownwardAPIVolumeFile item : source.getDownwardAPI().getItems()) {
                String value = item.getFieldRef() == null
                        ? null
                        : fieldValue(ref, item.getFieldRef().getFieldPath());
                if (value == null) {
                    LOG.warn(
                            "downward API item {} of pod {}/{} is not supported by the local runner; it is left out",
                            item.getPath(),
                            namespace,
                            ref.name());
                    continue;
                }
                write(dir.resolve(item.getPath()), value.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * A token of the Pod's ServiceAccount from the TokenRequest API, bound to the Pod as the kubelet binds it (it is
     * invalid once the Pod is gone). It is not refreshed while the process runs; the default lifetime is an hour.
     */
    private String requestToken(PodRef ref, ServiceAccountTokenProjection projection) throws NotReady {
        TokenRequestSpecBuilder spec = new TokenRequestSpecBuilder()
                .withExpirationSeconds(
                        projection.getExpirationSeconds() == null
                                ? DEFAULT_TOKEN_SECONDS
                                : projection.getExpirationSeconds());
        if (projection.getAudience() != null && !projection.getAudience().isEmpty()) {
            spec.withAudiences(projection.getAudience());
        }
        if (ref.uid() != null) {
            spec.withNewBoundObjectRef()
                    .withApiVersion("v1")
                    .withKind("Pod")
                    .withName(ref.name())
                    .withUid(ref.uid())
                    .endBoundObjectRef();
        }
        try {
            TokenRequest answer = api.serviceAccounts()
                    .inNamespace(ref.namespace())
                    .withName(ref.serviceAccount())
                    .tokenRequest(
                            new TokenRequestBuilder().withSpec(spec.build()).build());
            return answer.getStatus().getToken();
        } catch (KubernetesClientException e) {
            throw new NotReady("serviceaccount " + ref.namespace() + "/" + ref.serviceAccount()
                    + ": token request failed: " + e.getMessage());
        }
    }

    /** A downward API field of the pod, or null when the runner does not know it. */
    static String fieldValue(PodRef ref, String fieldPath) {
        return switch (fieldPath) {
            case "metadata.namespace" -> ref.namespace();
            case "metadata.name" -> ref.name();
            case "metadata.uid" -> ref.uid();
            case "spec.serviceAccountName" -> ref.serviceAccount();
            case "status.podIP", "status.hostIP" -> "127.0.0.1";
            default ->
                fieldPath.startsWith("metadata.labels['") && fieldPath.endsWith("']") && ref.labels() != null
                        ? ref.labels().get(fieldPath.substring("metadata.labels['".length(), fieldPath.length() - 2))
                        : null;
        };
    }

    private static void writeKeys(
            Path dir, Map<String, byte[]> data, List<KeyToPath> items, boolean optional, String what) throws NotReady {
        if (items == null || items.isEmpty()) {
            data.forEach((key, value) -> write(dir.resolve(key), value));
            return;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get(item.getKey());
            if (value == null) {
                if (optional) {
                    continue;
                }
                throw new NotReady(what + " has no key " + item.getKey());
            }
            write(dir.resolve(item.getPath()), value);
        }
    }

    /** A Secret's keys: {@code data} decoded from base64, then {@code stringData} (which wins, as on the server). */
    static Map<String, byte[]> secretData(Secret secret) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData()
                    .forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value.strip())));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        return data;
    }

    private static Map<String, byte[]> configMapData(ConfigMap configMap) {
        Map<String, byte[]> data = new LinkedHashMap<>();
        if (configMap.getData() != null) {
            configMap.getData().forEach((key, value) -> data.put(key, value.getBytes(StandardCharsets.UTF_8)));
        }
        if (configMap.getBinaryData() != null) {
            configMap
                    .getBinaryData()
                    .forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
        }
        return data;
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static void write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
