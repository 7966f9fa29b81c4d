package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubelet and Deployment controller for Deployments that run our roles: one process per Deployment while
 * {@code spec.replicas} is at least 1, restarted when the pod template changes or the process exits (with
 * backoff), stopped on scale to 0 or delete; the status reports the replica and its readiness.
 */
final class DeploymentController implements AutoCloseable {

    static final String KIND = "Deployment";
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);

    /** Per Deployment key; touched only on the loop thread. */
    private static final class Replica {
        final LocalPod pod;
        int crashes;
        Instant nextStart = Instant.MIN;
        String waitingFor;
        /** The status last written, for the Deployment object with this uid. */
        DeploymentStatus written;

        String writtenFor;

        Replica(LocalPod pod) {
            this.pod = pod;
        }
    }

    private final KubernetesClient api;
    private final PodLauncher launcher;
    private final ServiceMap serviceMap;
    private final ReadinessProber prober;
    private final RunnerLoop loop;
    private final RestartBackoff backoff;
    private final Map<String, Replica> replicas = new HashMap<>();
    private SharedIndexInformer<Deployment> informer;

    DeploymentController(
            KubernetesClient api,
            PodLauncher launcher,
            ServiceMap serviceMap,
            ReadinessProber prober,
            RunnerLoop loop,
            RestartBackoff backoff) {
        this.api = api;
        this.launcher = launcher;
        this.serviceMap = serviceMap;
        this.prober = prober;
        this.loop = loop;
        this.backoff = backoff;
    }

    void start(Duration probeInterval) {
        informer = KeyHandler.syncOnLoop(
                api.apps().deployments().inAnyNamespace(), loop, this::sync, probeInterval, replicas::keySet);
    }

    private void sync(String key) {
        Deployment deployment = informer.getStore().getByKey(key);
        PodTemplateSpec template = deployment == null || deployment.getSpec() == null
                ? null
                : deployment.getSpec().getTemplate();
        if (deployment == null || !launcher.runsOurRole(template)) {
            forget(key);
            return;
        }
        Replica replica = replicas.computeIfAbsent(
                key,
                k -> new Replica(new LocalPod(
                        KIND + " " + k, loop, (code, requested, ranFor) -> exited(k, code, requested, ranFor))));
        LocalPod pod = replica.pod;
        boolean wanted = deployment.getSpec().getReplicas() == null
                || deployment.getSpec().getReplicas() > 0;
        String hash = TemplateHash.of(template);
        if (pod.hasProcess() && (!wanted || !hash.equals(pod.templateHash()))) {
            if (!pod.stopping()) {
                LOG.info("{} {}: {}", KIND, key, wanted ? "pod template changed, restarting" : "scaled to 0, stopping");
            }
            pod.stop();
        } else if (!pod.hasProcess() && wanted && !Instant.now().isBefore(replica.nextStart)) {
            start(key, deployment, template, hash, replica);
        }
        pod.probe(prober, () -> sync(key));
        writeStatus(deployment, replica, wanted);
    }

    private void start(String key, Deployment deployment, PodTemplateSpec template, String hash, Replica replica) {
        String namespace = deployment.getMetadata().getNamespace();
        String name = deployment.getMetadata().getName();
        try {
            replica.pod.start(launcher.plan(namespace, KIND, name, template), hash);
            replica.waitingFor = null;
        } catch (PodFiles.NotReady e) {
            if (!e.getMessage().equals(replica.waitingFor)) {
                LOG.info("{} {} waits: {}", KIND, key, e.getMessage());
                replica.waitingFor = e.getMessage();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} {} cannot start: {}", KIND, key, e.toString());
            replica.crashes++;
            replica.nextStart = Instant.now().plus(backoff.after(replica.crashes));
        }
    }

    private void exited(String key, int code, boolean requested, Duration ranFor) {
        Replica replica = replicas.get(key);
        if (replica == null) {
            return;
        }
        if (!requested) {
            replica.crashes = ranFor.compareTo(RestartBackoff.HEALTHY_RUN) >= 0 ? 1 : replica.crashes + 1;
            Duration wait = backoff.after(replica.crashes);
            replica.nextStart = Instant.now().plus(wait);
            LOG.info("{} {} restarts in {} ms (restart {})", KIND, key, wait.toMillis(), replica.crashes);
            loop.after(wait, () -> sync(key));
        } else {
            replica.nextStart = Instant.MIN;
        }
        sync(key);
    }

    private void forget(String key) {
        Replica replica = replicas.get(key);
        if (replica == null) {
            return;
        }
        if (replica.pod.hasProcess()) {
            if (!replica.pod.stopping()) {
                LOG.info("{} {} deleted, stopping", KIND, key);
            }
            replica.pod.stop();
            return;
        }
        replicas.remove(key);
        int slash = key.indexOf('/');
        serviceMap.release(key.substring(0, slash), KIND + "/" + key.substring(slash + 1));
    }

    private void writeStatus(Deployment deployment, Replica replica, boolean wanted) {
        int running = replica.pod.hasProcess() && !replica.pod.stopping() ? 1 : 0;
        int ready = running == 1 && replica.pod.ready() ? 1 : 0;
        DeploymentStatus status = new DeploymentStatusBuilder()
                .withObservedGeneration(deployment.getMetadata().getGeneration())
                .withReplicas(running)
                .withUpdatedReplicas(running)
                .withReadyReplicas(ready)
                .withAvailableReplicas(ready)
                .withUnavailableReplicas((wanted ? 1 : 0) - ready)
                .build();
        String uid = deployment.getMetadata().getUid();
        if (Objects.equals(status, replica.written) && Objects.equals(uid, replica.writtenFor)) {
            return;
        }
        Deployment patch = new DeploymentBuilder()
                .withNewMetadata()
                .withName(deployment.getMetadata().getName())
                .withNamespace(deployment.getMetadata().getNamespace())
                .endMetadata()
                .withStatus(status)
                .build();
        try {
            api.apps().deployments().resource(patch).patchStatus();
            replica.written = status;
            replica.writtenFor = uid;
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "{} {}/{}: cannot write status: {}",
                    KIND,
                    deployment.getMetadata().getNamespace(),
                    deployment.getMetadata().getName(),
                    e.getMessage());
        }
    }

    /** Whether a process runs (or is being stopped) for the Deployment {@code namespace/name}; only on the loop thread. */
    boolean hasProcess(String key) {
        Replica replica = replicas.get(key);
        return replica != null && replica.pod.hasProcess();
    }

    /** Kills every process now; the runner is closing. */
    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        replicas.values().forEach(replica -> replica.pod.kill());
        replicas.clear();
    }
}
