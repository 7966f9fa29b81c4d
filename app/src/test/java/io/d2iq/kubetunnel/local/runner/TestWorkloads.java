package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Workloads that run {@link TestRole}, and the runner options that launch it. */
final class TestWorkloads {

    static final String SERVER_ROLE = "test-server";
    static final String JOB_ROLE = "test-job";
    static final int CONTAINER_PORT = 8080;
    static final String SECRET_MOUNT = "/etc/test-secret";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TestWorkloads() {}

    static RunnerOptions options() {
        return RunnerOptions.defaults()
                .withMain(TestRole.class.getName(), Set.of(SERVER_ROLE, JOB_ROLE))
                .withRestartBackoff(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    /** A test-server Deployment: port "http" 8080 with a readiness probe, env FOO=bar, Secret {@code secret} mounted. */
    static Deployment server(String namespace, String name, String secret) {
        PodTemplateSpec template = new PodTemplateSpecBuilder()
                .withNewMetadata()
                .withLabels(Map.of("app", name))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("main")
                .withImage("ghcr.io/d2iq/kubetunnel:test")
                .withArgs(
                        SERVER_ROLE, "--port", Integer.toString(CONTAINER_PORT), "--secret-file", SECRET_MOUNT + "/key")
                .addNewPort()
                .withName("http")
                .withContainerPort(CONTAINER_PORT)
                .endPort()
                .addNewEnv()
                .withName("FOO")
                .withValue("bar")
                .endEnv()
                .withNewReadinessProbe()
                .withNewHttpGet()
                .withPath("/readyz")
                .withPort(new IntOrString("http"))
                .endHttpGet()
                .endReadinessProbe()
                .addNewVolumeMount()
                .withName("secret")
                .withMountPath(SECRET_MOUNT)
                .withReadOnly(true)
                .endVolumeMount()
                .endContainer()
                .addNewVolume()
                .withName("secret")
                .withNewSecret()
                .withSecretName(secret)
                .endSecret()
                .endVolume()
                .endSpec()
                .build();
        return new DeploymentBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(Map.of("app", name))
                .endSelector()
                .withTemplate(template)
                .endSpec()
                .build();
    }

    /** A ClusterIP Service selecting {@link #server}'s pods: port 80 named "web" to target port "http". */
    static Service service(String namespace, String name) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withSelector(Map.of("app", name))
                .addNewPort()
                .withName("web")
                .withPort(80)
                .withTargetPort(new IntOrString("http"))
                .endPort()
                .endSpec()
                .build();
    }

    /** A test-job Job that succeeds on run {@code succeedOn}, counting runs in {@code attemptsFile}. */
    static Job job(String namespace, String name, String attemptsFile, int succeedOn, int backoffLimit) {
        return new JobBuilder()
                .withNewMetadata()
                .withNamespace(namespace)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(backoffLimit)
                .withNewTemplate()
                .withNewSpec()
                .withRestartPolicy("OnFailure")
                .addNewContainer()
                .withName("main")
                .withImage("ghcr.io/d2iq/kubetunnel:test")
                .withArgs(List.of(
                        JOB_ROLE, "--attempts-file", attemptsFile, "--succeed-on-attempt", Integer.toString(succeedOn)))
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    /** GET {@code http://127.0.0.1:port/path}; the body. */
    static String get(int port, String pathAndQuery) {
        return get(port, pathAndQuery, Duration.ofSeconds(5));
    }

    /** GET with a longer timeout, for a request that starts a Kubernetes client in the role process. */
    static String get(int port, String pathAndQuery, Duration timeout) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                                    .timeout(timeout)
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
