package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Job controller for Jobs that run our roles: runs the pod to completion, retries a failed run with backoff
 * up to {@code spec.backoffLimit} times, and records succeeded/failed with a Complete or Failed condition.
 * A deleted Job's process is stopped.
 */
final class JobController implements AutoCloseable {

    static final String KIND = "Job";
    /** Kubernetes' default {@code spec.backoffLimit}. */
    static final int DEFAULT_BACKOFF_LIMIT = 6;

    private static final Logger LOG = LoggerFactory.getLogger(JobController.class);

    /** Per Job key; touched only on the loop thread. */
    private static final class Run {
        final String uid;
        final LocalPod pod;
        int failures;
        boolean succeeded;
        boolean failed;
        String startTime;
        String completionTime;
        JobCondition outcome;
        Instant nextStart = Instant.MIN;
        String waitingFor;
        JobStatus written;

        Run(String uid, LocalPod pod) {
            this.uid = uid;
            this.pod = pod;
        }

        boolean finished() {
            return succeeded || failed;
        }
    }

    private final KubernetesClient api;
    private final PodLauncher launcher;
    private final RunnerLoop loop;
    private final RestartBackoff backoff;
    private final Map<String, Run> runs = new HashMap<>();
    private SharedIndexInformer<Job> informer;

    JobController(KubernetesClient api, PodLauncher launcher, RunnerLoop loop, RestartBackoff backoff) {
        this.api = api;
        this.launcher = launcher;
        this.loop = loop;
        this.backoff = backoff;
    }

    void start(Duration resync) {
        informer =
                KeyHandler.syncOnLoop(api.batch().v1().jobs().inAnyNamespace(), loop, this::sync, resync, runs::keySet);
    }

    private void sync(String key) {
        Job job = informer.getStore().getByKey(key);
        if (job == null
                || job.getSpec() == null
                || !launcher.runsOurRole(job.getSpec().getTemplate())) {
            Run gone = runs.remove(key);
            if (gone != null && gone.pod.hasProcess()) {
                LOG.info("{} {} deleted, stopping", KIND, key);
                gone.pod.stop();
            }
            return;
        }
        String uid = job.getMetadata().getUid();
        Run run = runs.get(key);
        if (run != null && !Objects.equals(uid, run.uid)) {
            // deleted and created again under the same name: a new Job
            run.pod.stop();
            run = null;
        }
        if (run == null) {
            run = new Run(
                    uid,
                    new LocalPod(KIND + " " + key, loop, (code, requested, ranFor) -> exited(key, code, requested)));
            runs.put(key, run);
        }
        if (!run.finished() && !run.pod.hasProcess() && !Instant.now().isBefore(run.nextStart)) {
            start(key, job, run);
        }
        writeStatus(job, run);
    }

    private void start(String key, Job job, Run run) {
        try {
            run.pod.start(
                    launcher.plan(
                            job.getMetadata().getNamespace(),
                            KIND,
                            job.getMetadata().getName(),
                            job.getSpec().getTemplate()),
                    TemplateHash.of(job.getSpec().getTemplate()));
            run.waitingFor = null;
            if (run.startTime == null) {
                run.startTime = now();
            }
        } catch (PodFiles.NotReady e) {
            if (!e.getMessage().equals(run.waitingFor)) {
                LOG.info("{} {} waits: {}", KIND, key, e.getMessage());
                run.waitingFor = e.getMessage();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} {} cannot start: {}", KIND, key, e.toString());
            failed(key, run, informer.getStore().getByKey(key));
        }
    }

    private void exited(String key, int code, boolean requested) {
        Run run = runs.get(key);
        Job job = informer.getStore().getByKey(key);
        if (run == null || requested || job == null) {
            return;
        }
        if (code == 0) {
            run.succeeded = true;
            run.completionTime = now();
            run.outcome = condition("Complete", "Completed", "Job completed");
            LOG.info("{} {} succeeded", KIND, key);
        } else {
            failed(key, run, job);
        }
        sync(key);
    }

    private void failed(String key, Run run, Job job) {
        run.failures++;
        int limit = job == null || job.getSpec().getBackoffLimit() == null
                ? DEFAULT_BACKOFF_LIMIT
                : job.getSpec().getBackoffLimit();
        if (run.failures > limit) {
            run.failed = true;
            run.outcome = condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
            LOG.info("{} {} failed: backoff limit {} reached", KIND, key, limit);
            return;
        }
        Duration wait = backoff.after(run.failures);
        run.nextStart = Instant.now().plus(wait);
        LOG.info(
                "{} {} retries in {} ms (failure {} of at most {})",
                KIND,
                key,
                wait.toMillis(),
                run.failures,
                limit + 1);
        loop.after(wait, () -> sync(key));
    }

    private void writeStatus(Job job, Run run) {
        JobStatusBuilder status = new JobStatusBuilder()
                .withStartTime(run.startTime)
                .withActive(run.pod.hasProcess() ? 1 : 0)
                .withSucceeded(run.succeeded ? 1 : 0)
                .withFailed(run.failures)
                .withCompletionTime(run.completionTime)
                .withConditions(run.outcome == null ? List.of() : List.of(run.outcome));
        JobStatus desired = status.build();
        if (Objects.equals(desired, run.written)) {
            return;
        }
        Job patch = new JobBuilder()
                .withNewMetadata()
                .withName(job.getMetadata().getName())
                .withNamespace(job.getMetadata().getNamespace())
                .endMetadata()
                .withStatus(desired)
                .build();
        try {
            api.batch().v1().jobs().resource(patch).patchStatus();
            run.written = desired;
        } catch (KubernetesClientException e) {
            LOG.warn(
                    "{} {}/{}: cannot write status: {}",
                    KIND,
                    job.getMetadata().getNamespace(),
                    job.getMetadata().getName(),
                    e.getMessage());
        }
    }

    private static JobCondition condition(String type, String reason, String message) {
        String now = now();
        return new JobConditionBuilder()
                .withType(type)
                .withStatus("True")
                .withReason(reason)
                .withMessage(message)
                .withLastProbeTime(now)
                .withLastTransitionTime(now)
                .build();
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        runs.values().forEach(run -> run.pod.kill());
        runs.clear();
    }
}
