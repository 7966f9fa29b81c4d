package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.local.LocalApi;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jobs run to completion, are retried up to their backoff limit, and record the outcome in their status. */
class LocalRunnerJobIT {

    private static LocalApi api;
    private static KubernetesClient client;
    private static LocalRunner runner;

    @TempDir
    Path attempts;

    @BeforeAll
    static void start() {
        api = LocalApi.start(false);
        client = api.client();
        runner = LocalRunner.start(client, TestWorkloads.options());
    }

    @AfterAll
    static void stop() {
        runner.close();
        api.close();
    }

    @Test
    void aJobThatSucceedsRecordsSucceededAndComplete() throws Exception {
        Path file = attempts.resolve("once");
        client.batch()
                .v1()
                .jobs()
                .resource(TestWorkloads.job("jobs", "once", file.toString(), 1, 3))
                .create();

        JobStatus status = awaitCondition("jobs", "once", "Complete");

        assertThat(status.getSucceeded()).isEqualTo(1);
        assertThat(status.getFailed()).isZero();
        assertThat(status.getActive()).isZero();
        assertThat(status.getStartTime()).isNotNull();
        assertThat(status.getCompletionTime()).isNotNull();
        assertThat(Files.readString(file)).isEqualTo("1");
    }

    @Test
    void aFailedRunIsRetriedAndTheJobCompletesWhenARetrySucceeds() throws Exception {
        Path file = attempts.resolve("third-time");
        client.batch()
                .v1()
                .jobs()
                .resource(TestWorkloads.job("jobs", "third-time", file.toString(), 3, 3))
                .create();

        JobStatus status = awaitCondition("jobs", "third-time", "Complete");

        assertThat(status.getSucceeded()).isEqualTo(1);
        assertThat(status.getFailed()).isEqualTo(2);
        assertThat(Files.readString(file)).isEqualTo("3");
    }

    @Test
    void aJobFailsOnceItsBackoffLimitIsExceeded() throws Exception {
        Path file = attempts.resolve("never");
        client.batch()
                .v1()
                .jobs()
                .resource(TestWorkloads.job("jobs", "never", file.toString(), 99, 1))
                .create();

        JobStatus status = awaitCondition("jobs", "never", "Failed");

        assertThat(status.getSucceeded()).isZero();
        assertThat(status.getFailed()).isEqualTo(2);
        assertThat(status.getConditions())
                .singleElement()
                .extracting(JobCondition::getReason)
                .isEqualTo("BackoffLimitExceeded");
        // no third run after the limit
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> Files.readString(file).equals("2"));
    }

    private static JobStatus awaitCondition(String ns, String name, String type) {
        return await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> Optional.ofNullable(client.batch()
                                        .v1()
                                        .jobs()
                                        .inNamespace(ns)
                                        .withName(name)
                                        .get())
                                .map(Job::getStatus)
                                .filter(status -> status.getConditions() != null
                                        && status.getConditions().stream()
                                                .anyMatch(
                                                        c -> type.equals(c.getType()) && "True".equals(c.getStatus())))
                                .orElse(null),
                        status -> status != null);
    }
}
