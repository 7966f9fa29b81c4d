package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet of the runner's Node on a real API server. Pods whose first container runs one of our roles are bound
 * to the Node when no scheduler has (pods/binding), run as one process each, and their status is reported so that
 * kube-controller-manager computes the Deployment's and the Job's: phase, podIP, Ready/ContainersReady from the
 * readiness probe, container state, restartCount. restartPolicy Always (and OnFailure on a failure) restarts with
 * CrashLoopBackOff's doubling wait; Never and OnFailure end the Pod in Succeeded or Failed. A Pod with a
 * deletionTimestamp is stopped and then deleted with grace period 0, as a kubelet confirms a deletion.
 *
 * <p>Ports: each Pod gets its own loopback ports in the {@link ServiceMap}; a Pod that replaces another of the same
 * workload (Deployment, or other controller) takes over the ports its predecessor released, and starts only once a
 * terminating predecessor has stopped, so a Service's address stays what clients (the controller's cached probe
 * client, a kubeconfig's rewritten proxy-url) already hold, as a ClusterIP does.
 */
final class Kubelet implements AutoCloseable {

    static final String KIND = "Pod";
    /** A deletion confirmed (grace 0) that has not gone through is tried again after this. */
    private static final Duration DELETE_RETRY = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

    /** One Pod on this Node; touched only on the loop thread. */
    private static final class Run {
        final String uid;
        final String workload;
        final String restartPolicy;
        LocalPod pod;
        final String startTime = LocalNode.now();
        int starts;
        int crashes;
        Instant nextStart = Instant.MIN;
        String waitingFor;
        String containerStartedAt;
        ContainerStateTerminated lastTerminated;
        /** Succeeded or Failed once the Pod is done; null while it may still run. */
        String phase;

        boolean ready;
        String readyChangedAt = LocalNode.now();
        boolean terminating;
        boolean portsReleased;
        Instant deleteSentAt;
        PodStatus written;
        /** What {@link #container} answers while the process runs. */
        RunningContainer running;

        Run(String uid, String workload, String restartPolicy) {
            this.uid = uid;
            this.workload = workload;
            this.restartPolicy = restartPolicy;
        }
    }

    private final KubernetesClient api;
    private final String nodeName;
    private final PodLauncher launcher;
    private final ServiceMap serviceMap;
    private final ReadinessProber prober;
    private final RunnerLoop loop;
    private final RestartBackoff backoff;
    private final Map<String, Run> runs = new HashMap<>();
    /** Per workload: the loopback ports its last Pod released, for the next one. */
    private final Map<String, Map<Integer, Integer>> releasedPorts = new HashMap<>();

    /** A Pod's container whose process runs now, for the kubelet API's exec. */
    private record RunningContainer(String name, LaunchPlan plan) {}

    /** Per Pod ({@code namespace/name}): its running container; read by the kubelet API's threads. */
    private final Map<String, RunningContainer> running = new ConcurrentHashMap<>();

    private SharedIndexInformer<Pod> informer;

    Kubelet(
            KubernetesClient api,
            String nodeName,
            PodLauncher launcher,
            ServiceMap serviceMap,
            ReadinessProber prober,
            RunnerLoop loop,
            RestartBackoff backoff) {
        this.api = api;
        this.nodeName = nodeName;
        this.launcher = launcher;
        this.serviceMap = serviceMap;
        this.prober = prober;
        this.loop = loop;
        this.backoff = backoff;
    }

    void start(Duration probeInterval) {
        informer = KeyHandler.syncOnLoop(api.pods().inAnyNamespace(), loop, this::sync, probeInterval, runs::keySet);
    }

    private void sync(String key) {
        Pod pod = informer.getStore().getByKey(key);
        Run run = runs.get(key);
        if (run != null && (pod == null || !run.uid.equals(pod.getMetadata().getUid()))) {
            // gone, or deleted and created again under the same name (a new Pod)
            run.terminating = true;
            if (!forget(key, run)) {
                return;
            }
            run = null;
        }
        if (pod == null || !launcher.runsOurRole(new PodTemplateSpec(pod.getMetadata(), pod.getSpec()))) {
            return;
        }
        if (pod.getSpec().getNodeName() == null || pod.getSpec().getNodeName().isEmpty()) {
            bind(pod);
            return;
        }
        if (!nodeName.equals(pod.getSpec().getNodeName())) {
            return;
        }
        if (run == null) {
            String policy = pod.getSpec().getRestartPolicy() == null
                    ? "Always"
                    : pod.getSpec().getRestartPolicy();
            Run created = new Run(pod.getMetadata().getUid(), workloadOf(pod), policy);
            created.pod = new LocalPod(
                    KIND + " " + key, loop, (code, requested, ranFor) -> exited(key, created, code, requested, ranFor));
            run = created;
            runs.put(key, run);
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            terminate(key, pod, run);
            return;
        }
        if (run.starts == 0 && run.phase == null && isTerminal(pod)) {
            // finished before this runner started (a runner restarted on the same cluster): a kubelet never reruns it
            return;
        }
        if (run.phase == null && !run.pod.hasProcess() && !Instant.now().isBefore(run.nextStart)) {
            start(key, pod, run);
        }
        run.pod.probe(prober, () -> sync(key));
        writeStatus(pod, run);
    }

    private void bind(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        try {
            api.bindings()
                    .inNamespace(namespace)
                    .resource(new BindingBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(namespace)
                            .withUid(pod.getMetadata().getUid())
                            .endMetadata()
                            .withNewTarget()
                            .withApiVersion("v1")
                            .withKind("Node")
                            .withName(nodeName)
                            .endTarget()
                            .build())
                    .create();
            LOG.info("Pod {}/{} bound to Node {}", namespace, name, nodeName);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                LOG.warn("Pod {}/{}: cannot bind to Node {}: {}", namespace, name, nodeName, e.getMessage());
            }
        }
    }

    private void start(String key, Pod pod, Run run) {
        boolean predecessorStopping = runs.values().stream()
                .anyMatch(other -> other != run
                        && other.terminating
                        && other.workload.equals(run.workload)
                        && other.pod.hasProcess());
        if (predecessorStopping) {
            waiting(key, run, "the previous Pod of " + run.workload + " is stopping");
            return;
        }
        try {
            Map<Integer, Integer> inherited =
                    run.starts == 0 ? releasedPorts.getOrDefault(run.workload, Map.of()) : Map.of();
            LaunchPlan plan = launcher.plan(pod, inherited);
            run.pod.start(plan, TemplateHash.of(new PodTemplateSpec(null, pod.getSpec())));
            run.running =
                    new RunningContainer(pod.getSpec().getContainers().get(0).getName(), plan);
            running.put(key, run.running);
            releasedPorts.remove(run.workload, inherited);
            run.starts++;
            run.containerStartedAt = LocalNode.now();
            run.waitingFor = null;
        } catch (PodFiles.NotReady e) {
            waiting(key, run, e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} {} cannot start: {}", KIND, key, e.toString());
            run.crashes++;
            run.nextStart = Instant.now().plus(backoff.after(run.crashes));
        }
    }

    private static void waiting(String key, Run run, String reason) {
        if (!reason.equals(run.waitingFor)) {
            LOG.info("{} {} waits: {}", KIND, key, reason);
            run.waitingFor = reason;
        }
    }

    private void exited(String key, Run run, int code, boolean requested, Duration ranFor) {
        if (run.running != null) {
            running.remove(key, run.running);
        }
        if (runs.get(key) != run) {
            return;
        }
        run.lastTerminated = new ContainerStateTerminatedBuilder()
                .withExitCode(code)
                .withReason(code == 0 ? "Completed" : "Error")
                .withStartedAt(run.containerStartedAt)
                .withFinishedAt(LocalNode.now())
                .build();
        if (!requested) {
            if ("Never".equals(run.restartPolicy) || ("OnFailure".equals(run.restartPolicy) && code == 0)) {
                run.phase = code == 0 ? "Succeeded" : "Failed";
                LOG.info("{} {} {} (exit code {})", KIND, key, run.phase, code);
            } else {
                run.crashes = ranFor.compareTo(RestartBackoff.HEALTHY_RUN) >= 0 ? 1 : run.crashes + 1;
                Duration wait = backoff.after(run.crashes);
                run.nextStart = Instant.now().plus(wait);
                LOG.info("{} {} restarts in {} ms (restart {})", KIND, key, wait.toMillis(), run.crashes);
                loop.after(wait, () -> sync(key));
            }
        }
        sync(key);
    }

    /** Stops a Pod being deleted; once its process is gone, confirms the deletion with grace period 0. */
    private void terminate(String key, Pod pod, Run run) {
        run.terminating = true;
        if (run.pod.hasProcess()) {
            if (!run.pod.stopping()) {
                LOG.info("{} {} is being deleted, stopping", KIND, key);
            }
            run.pod.stop();
            return;
        }
        releasePorts(key, run);
        if (run.deleteSentAt != null && Instant.now().isBefore(run.deleteSentAt.plus(DELETE_RETRY))) {
            return;
        }
        run.deleteSentAt = Instant.now();
        try {
            api.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .withGracePeriod(0)
                    .delete();
        } catch (KubernetesClientException e) {
            LOG.warn("{} {}: cannot confirm the deletion: {}", KIND, key, e.getMessage());
        }
    }

    /** Stops and forgets a Pod that is gone from the API; true once nothing of it is left. */
    private boolean forget(String key, Run run) {
        if (run.pod.hasProcess()) {
            if (!run.pod.stopping()) {
                LOG.info("{} {} deleted, stopping", KIND, key);
            }
            run.pod.stop();
            return false;
        }
        releasePorts(key, run);
        runs.remove(key);
        return true;
    }

    private void releasePorts(String key, Run run) {
        if (run.portsReleased) {
            return;
        }
        run.portsReleased = true;
        int slash = key.indexOf('/');
        Map<Integer, Integer> ports =
                serviceMap.release(key.substring(0, slash), KIND + "/" + key.substring(slash + 1));
        if (!ports.isEmpty()) {
            releasedPorts.put(run.workload, ports);
        }
    }

    private void writeStatus(Pod pod, Run run) {
        String namespace = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        boolean running = run.pod.hasProcess() && !run.pod.stopping();
        boolean ready = running && run.pod.ready();
        if (ready != run.ready) {
            run.ready = ready;
            run.readyChangedAt = LocalNode.now();
            serviceMap.ready(namespace, KIND + "/" + name, ready);
        }
        Container container = pod.getSpec().getContainers().get(0);
        ContainerState state;
        if (run.phase != null) {
            state = new ContainerStateBuilder()
                    .withTerminated(run.lastTerminated)
                    .build();
        } else if (running) {
            state = new ContainerStateBuilder()
                    .withNewRunning()
                    .withStartedAt(run.containerStartedAt)
                    .endRunning()
                    .build();
        } else {
            state = new ContainerStateBuilder()
                    .withNewWaiting()
                    .withReason(run.starts == 0 ? "ContainerCreating" : "CrashLoopBackOff")
                    .withMessage(run.waitingFor)
                    .endWaiting()
                    .build();
        }
        String phase = run.phase != null ? run.phase : run.starts > 0 ? "Running" : "Pending";
        String readyReason = run.phase != null ? "PodCompleted" : ready ? null : "ContainersNotReady";
        List<PodCondition> conditions = List.of(
                condition("PodReadyToStartContainers", run.starts > 0, null, run.startTime),
                condition("Initialized", true, null, run.startTime),
                condition("Ready", ready, readyReason, run.readyChangedAt),
                condition("ContainersReady", ready, readyReason, run.readyChangedAt),
                condition("PodScheduled", true, null, run.startTime));
        PodStatus status = new PodStatusBuilder()
                .withPhase(phase)
                .withConditions(conditions)
                .withHostIP("127.0.0.1")
                .addNewHostIP("127.0.0.1")
                .withPodIP("127.0.0.1")
                .addNewPodIP("127.0.0.1")
                .withStartTime(run.startTime)
                .withContainerStatuses(new ContainerStatusBuilder()
                        .withName(container.getName())
                        .withImage(container.getImage())
                        .withImageID("")
                        .withContainerID(run.starts == 0 ? null : "kubetunnel://" + run.uid + "/" + run.starts)
                        .withReady(ready)
                        .withStarted(running)
                        .withRestartCount(Math.max(0, run.starts - 1))
                        .withState(state)
                        .withLastState(
                                run.lastTerminated == null || run.phase != null
                                        ? new ContainerState()
                                        : new ContainerStateBuilder()
                                                .withTerminated(run.lastTerminated)
                                                .build())
                        .build())
                .build();
        if (Objects.equals(status, run.written)) {
            return;
        }
        try {
            api.pods()
                    .resource(new PodBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(namespace)
                            .endMetadata()
                            .withStatus(status)
                            .build())
                    .patchStatus();
            run.written = status;
        } catch (KubernetesClientException e) {
            LOG.warn("{} {}/{}: cannot write status: {}", KIND, namespace, name, e.getMessage());
        }
    }

    private static boolean isTerminal(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static PodCondition condition(String type, boolean status, String reason, String since) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .withReason(reason)
                .withLastTransitionTime(since)
                .build();
    }

    /**
     * The workload a Pod belongs to, {@code namespace/Kind/name}: the Deployment of a ReplicaSet's Pod (the
     * ReplicaSet is named {@code <deployment>-<pod-template-hash>}), else its controller, else the Pod itself.
     */
    static String workloadOf(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        OwnerReference owner = pod.getMetadata().getOwnerReferences() == null
                ? null
                : pod.getMetadata().getOwnerReferences().stream()
                        .filter(reference -> Boolean.TRUE.equals(reference.getController()))
                        .findFirst()
                        .orElse(null);
        if (owner == null) {
            return namespace + "/" + KIND + "/" + pod.getMetadata().getName();
        }
        String hash = pod.getMetadata().getLabels() == null
                ? null
                : pod.getMetadata().getLabels().get("pod-template-hash");
        if ("ReplicaSet".equals(owner.getKind())
                && hash != null
                && owner.getName().endsWith("-" + hash)) {
            return namespace + "/Deployment/"
                    + owner.getName().substring(0, owner.getName().length() - hash.length() - 1);
        }
        return namespace + "/" + owner.getKind() + "/" + owner.getName();
    }

    /** Whether a process runs (or is being stopped) for a Pod of workload {@code namespace/Kind/name}; only on the loop thread. */
    boolean hasProcess(String workload) {
        return runs.values().stream().anyMatch(run -> run.workload.equals(workload) && run.pod.hasProcess());
    }

    /**
     * How container {@code container} of Pod {@code namespace/pod} runs, while its process runs on this Node; any
     * thread.
     */
    Optional<LaunchPlan> container(String namespace, String pod, String container) {
        return Optional.ofNullable(running.get(namespace + "/" + pod))
                .filter(found -> found.name().equals(container))
                .map(RunningContainer::plan);
    }

    /** Kills every process now; the runner is closing. */
    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        running.clear();
        runs.values().forEach(run -> run.pod.kill());
        runs.clear();
    }
}
