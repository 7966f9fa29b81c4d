package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * What the kubelet mounts into a pod, written under the pod's directory: Secret, ConfigMap and emptyDir
 * volumes, and the service account directory. Secrets and ConfigMaps are read fresh from the API; one that
 * is missing (or lacks a listed key) keeps the pod from starting, as it keeps a real pod in ContainerCreating.
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
    record ServiceAccountFiles(Path tokenFile, Path caFile) {
    }

    private final KubernetesClient api;
    private final ApiEndpoint endpoint;

    PodFiles(KubernetesClient api, ApiEndpoint endpoint) {
        this.api = api;
        this.endpoint = endpoint;
    }

    /** Writes the container's volumes under {@code podDir}; returns mountPath to local path. */
    Map<String, Path> mountVolumes(String namespace, PodSpec pod, Container container, Path podDir) throws NotReady {
        Map<String, Volume> volumes = new HashMap<>();
        if (pod.getVolumes() != null) {
            pod.getVolumes().forEach(volume -> volumes.put(volume.getName(), volume));
        }
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
            Volume volume = volumes.get(mount.getName());
            if (volume == null) {
                throw new NotReady("volume mount " + mount.getName() + " names no volume");
            }
            Path dir = podDir.resolve("volumes").resolve(volume.getName());
            writeVolume(namespace, volume, dir);
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

    private void writeVolume(String namespace, Volume volume, Path dir) throws NotReady {
        mkdirs(dir);
        if (volume.getSecret() != null) {
            String name = volume.getSecret().getSecretName();
            Secret secret = api.secrets().inNamespace(namespace).withName(name).get();
            boolean optional = Boolean.TRUE.equals(volume.getSecret().getOptional());
            if (secret == null && !optional) {
                throw new NotReady("secret " + namespace + "/" + name + " not found");
            }
            writeKeys(dir, secret == null ? Map.of() : secretData(secret), volume.getSecret().getItems(), optional, "secret " + name);
        } else if (volume.getConfigMap() != null) {
            String name = volume.getConfigMap().getName();
            ConfigMap configMap = api.configMaps().inNamespace(namespace).withName(name).get();
            boolean optional = Boolean.TRUE.equals(volume.getConfigMap().getOptional());
            if (configMap == null && !optional) {
                throw new NotReady("configmap " + namespace + "/" + name + " not found");
            }
            writeKeys(dir, configMap == null ? Map.of() : configMapData(configMap), volume.getConfigMap().getItems(), optional, "configmap " + name);
        } else if (volume.getEmptyDir() == null) {
            LOG.warn("volume {} of a pod in {} has a type the local runner does not mount; it stays empty", volume.getName(), namespace);
        }
    }

    private static void writeKeys(Path dir, Map<String, byte[]> data, List<KeyToPath> items, boolean optional, String what) throws NotReady {
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
            secret.getData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value.strip())));
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
            configMap.getBinaryData().forEach((key, value) -> data.put(key, Base64.getDecoder().decode(value)));
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
