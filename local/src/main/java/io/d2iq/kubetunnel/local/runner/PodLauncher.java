package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Turns a pod template into a {@link LaunchPlan}: the first container's args, rewritten for the files and
 * ports of this machine, run by {@code java -cp <class path> <main class>}, with the pod's environment.
 */
final class PodLauncher {

    /** The parent's variables a JVM may need; everything else a pod would not inherit from its node. */
    private static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";

    private static final List<String> INHERITED = List.of("PATH", "LANG", "LC_ALL", "TZ", "JAVA_HOME");

    private final KubernetesClient api;
    private final ApiEndpoint endpoint;
    private final RunnerOptions options;
    private final Path workDir;
    private final ServiceMap serviceMap;
    private final PodFiles files;
    private final boolean kubelet;

    /**
     * @param kubelet whether the pods come from a real API server, whose admission already put the service account
     *                volume into them; otherwise (the embedded API) the launcher mounts a stand-in one
     */
    PodLauncher(
            KubernetesClient api,
            ApiEndpoint endpoint,
            RunnerOptions options,
            Path workDir,
            ServiceMap serviceMap,
            boolean kubelet) {
        this.api = api;
        this.endpoint = endpoint;
        this.options = options;
        this.workDir = workDir;
        this.serviceMap = serviceMap;
        this.files = new PodFiles(api, endpoint);
        this.kubelet = kubelet;
    }

    /** Whether a pod template runs one of our roles: its first container's args[0] is a role name. */
    boolean runsOurRole(PodTemplateSpec template) {
        if (template == null
                || template.getSpec() == null
                || template.getSpec().getContainers() == null
                || template.getSpec().getContainers().isEmpty()) {
            return false;
        }
        List<String> args = template.getSpec().getContainers().get(0).getArgs();
        return args != null && !args.isEmpty() && options.roles().contains(args.get(0));
    }

    /** The log file of a workload. */
    Path logFile(String namespace, String kind, String name) {
        return workDir.resolve("logs").resolve(namespace + "_" + kind.toLowerCase() + "_" + name + ".log");
    }

    /** The plan of a workload's one pod on the embedded API, which has no Pod objects: the pod is named after the workload. */
    LaunchPlan plan(String namespace, String kind, String name, PodTemplateSpec template) throws PodFiles.NotReady {
        PodSpec pod = template.getSpec();
        Map<String, String> labels = template.getMetadata() == null
                ? Map.of()
                : template.getMetadata().getLabels();
        return plan(new PodFiles.PodRef(namespace, name, null, serviceAccount(pod), labels), kind, template, Map.of());
    }

    /**
     * The plan of a Pod that a real API server holds; its container ports take {@code inheritedPorts} (what the
     * previous Pod of its workload released) when it has none yet.
     */
    LaunchPlan plan(Pod pod, Map<Integer, Integer> inheritedPorts) throws PodFiles.NotReady {
        PodTemplateSpec template = new PodTemplateSpec(pod.getMetadata(), pod.getSpec());
        return plan(
                new PodFiles.PodRef(
                        pod.getMetadata().getNamespace(),
                        pod.getMetadata().getName(),
                        pod.getMetadata().getUid(),
                        serviceAccount(pod.getSpec()),
                        pod.getMetadata().getLabels()),
                "Pod",
                template,
                inheritedPorts);
    }

    private static String serviceAccount(PodSpec pod) {
        return pod.getServiceAccountName() == null
                        || pod.getServiceAccountName().isEmpty()
                ? "default"
                : pod.getServiceAccountName();
    }

    private LaunchPlan plan(
            PodFiles.PodRef ref, String kind, PodTemplateSpec template, Map<Integer, Integer> inheritedPorts)
            throws PodFiles.NotReady {
        String namespace = ref.namespace();
        String name = ref.name();
        PodSpec pod = template.getSpec();
        Container container = pod.getContainers().get(0);
        Path podDir = workDir.resolve("pods").resolve(namespace + "_" + kind.toLowerCase() + "_" + name);
        deleteRecursively(podDir.resolve("volumes"));
        Map<Integer, Integer> ports = serviceMap.assign(
                namespace,
                kind + "/" + name,
                template.getMetadata() == null
                        ? Map.of()
                        : template.getMetadata().getLabels(),
                container.getPorts() == null ? List.of() : container.getPorts(),
                inheritedPorts);
        Map<String, Path> mounts = files.mountVolumes(ref, pod, container, podDir);
        Map<String, String> env = new TreeMap<>();
        INHERITED.forEach(variable -> {
            if (System.getenv(variable) != null) {
                env.put(variable, System.getenv(variable));
            }
        });
        env.put("HOME", podDir.toString());
        env.put("KUBERNETES_SERVICE_HOST", endpoint.host());
        env.put("KUBERNETES_SERVICE_PORT", Integer.toString(endpoint.port()));
        // fabric8's in-cluster configuration, pointed at this machine's files instead of /var/run/secrets
        env.put("KUBERNETES_MASTER", endpoint.url().toString());
        env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
        env.put("KUBERNETES_NAMESPACE", namespace);
        if (kubelet) {
            env.put("HOSTNAME", name);
            // the API server's ServiceAccount admission mounted kube-api-access-* here (unless automount is off)
            Path account = mounts.get(PodFiles.SERVICE_ACCOUNT_DIR);
            if (account != null) {
                env.put(
                        "KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN",
                        account.resolve("token").toString());
                if (Files.exists(account.resolve("ca.crt"))) {
                    env.put(
                            "KUBERNETES_CERTS_CA_FILE",
                            account.resolve("ca.crt").toString());
                }
            }
        } else if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
            PodFiles.ServiceAccountFiles account = files.mountServiceAccount(namespace, podDir);
            mounts.put(PodFiles.SERVICE_ACCOUNT_DIR, account.tokenFile().getParent());
            env.put("KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN", account.tokenFile().toString());
            if (account.caFile() != null) {
                env.put("KUBERNETES_CERTS_CA_FILE", account.caFile().toString());
            }
        }
        ArgRewriter rewriter = new ArgRewriter(mounts, ports);
        for (EnvVar variable : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            String value = envValue(ref, pod, variable);
            if (value != null) {
                env.put(variable.getName(), rewriter.rewritePath(value));
            }
        }
        List<String> command = new ArrayList<>();
        command.add(options.javaCommand().toString());
        // A pod that sets its JVM options runs with those alone, so what the runner measures is what is shipped.
        if (!env.containsKey(JAVA_TOOL_OPTIONS)) {
            command.addAll(options.jvmArgs());
        }
        command.add("-Djava.io.tmpdir=" + mkdirs(podDir.resolve("tmp")));
        command.add("-Dkubetunnel.workload=" + namespace + "/" + kind + "/" + name);
        if (pod.getHostAliases() != null && !pod.getHostAliases().isEmpty()) {
            command.add("-Djdk.net.hosts.file=" + hostsFile(pod.getHostAliases(), podDir));
        }
        command.add("-cp");
        command.add(options.classPath());
        command.add(options.mainClass());
        command.addAll(rewriter.rewrite(container.getArgs()));
        HTTPGetAction probe = container.getReadinessProbe() == null
                ? null
                : container.getReadinessProbe().getHttpGet();
        Integer probePort = probe == null ? null : probePort(container, probe.getPort(), ports);
        return new LaunchPlan(
                namespace + "/" + kind + "/" + name,
                List.copyOf(command),
                Map.copyOf(env),
                podDir,
                logFile(namespace, kind, name),
                probePort,
                probe == null || probe.getPath() == null ? "/" : probe.getPath());
    }

    /**
     * The pod's {@code /etc/hosts}, as the kubelet writes it: localhost plus the pod's host aliases. The JVM resolves
     * every name from this file alone once it is given one, as a pod resolves these names from its own file.
     */
    private static Path hostsFile(List<HostAlias> aliases, Path podDir) {
        StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n::1 localhost\n");
        for (HostAlias alias : aliases) {
            hosts.append(alias.getIp())
                    .append(' ')
                    .append(String.join(" ", alias.getHostnames()))
                    .append('\n');
        }
        try {
            return Files.writeString(podDir.resolve("hosts"), hosts.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + podDir.resolve("hosts"), e);
        }
    }

    private static Integer probePort(Container container, IntOrString port, Map<Integer, Integer> ports) {
        if (port == null) {
            return null;
        }
        if (port.getStrVal() == null) {
            return ports.getOrDefault(port.getIntVal(), port.getIntVal());
        }
        return container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .findFirst()
                .map(p -> ports.get(p.getContainerPort()))
                .orElse(null);
    }

    private String envValue(PodFiles.PodRef ref, PodSpec pod, EnvVar variable) throws PodFiles.NotReady {
        String namespace = ref.namespace();
        if (variable.getValueFrom() == null) {
            return variable.getValue() == null ? "" : variable.getValue();
        }
        if (variable.getValueFrom().getSecretKeyRef() != null) {
            var secretRef = variable.getValueFrom().getSecretKeyRef();
            Secret secret = api.secrets()
                    .inNamespace(namespace)
                    .withName(secretRef.getName())
                    .get();
            byte[] value = secret == null ? null : PodFiles.secretData(secret).get(secretRef.getKey());
            if (value == null && !Boolean.TRUE.equals(secretRef.getOptional())) {
                throw new PodFiles.NotReady("env " + variable.getName() + ": secret " + namespace + "/"
                        + secretRef.getName() + " key " + secretRef.getKey() + " not found");
            }
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
        if (variable.getValueFrom().getConfigMapKeyRef() != null) {
            var mapRef = variable.getValueFrom().getConfigMapKeyRef();
            var configMap = api.configMaps()
                    .inNamespace(namespace)
                    .withName(mapRef.getName())
                    .get();
            String value = configMap == null || configMap.getData() == null
                    ? null
                    : configMap.getData().get(mapRef.getKey());
            if (value == null && !Boolean.TRUE.equals(mapRef.getOptional())) {
                throw new PodFiles.NotReady("env " + variable.getName() + ": configmap " + namespace + "/"
                        + mapRef.getName() + " key " + mapRef.getKey() + " not found");
            }
            return value;
        }
        if (variable.getValueFrom().getFieldRef() != null) {
            String fieldPath = variable.getValueFrom().getFieldRef().getFieldPath();
            return "spec.nodeName".equals(fieldPath) ? LocalRunner.NODE_NAME : PodFiles.fieldValue(ref, fieldPath);
        }
        return null;
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
