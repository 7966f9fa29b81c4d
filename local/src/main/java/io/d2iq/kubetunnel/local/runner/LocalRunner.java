package io.d2iq.kubetunnel.local.runner;

import io.d2iq.kubetunnel.reconcile.ServiceAddressResolver;
import io.d2iq.kubetunnel.tls.CertificateAuthority;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the cluster for kubetunnel's own workloads. {@link #start} is for the embedded API, where it plays the whole
 * cluster: kubelet with the Deployment and Job controllers (each pod a separate JVM running a role), Service
 * networking ({@link ServiceMap}), the token controller, the garbage collector and an HTTPS ingress controller.
 * {@link #startKubelet} is for a real kube-apiserver and kube-controller-manager, where it plays only what those
 * binaries cannot: the kubelet of one Node ({@link #NODE_NAME}) for the Pods that kcm creates, Service networking and
 * the ingress controller; nothing of it writes Deployment or Job status there. Start one per API;
 * {@link #close()} kills the processes and closes informers and the proxy.
 */
public final class LocalRunner implements AutoCloseable {

    /** The Node that a kubelet-mode runner registers and binds Pods to. */
    public static final String NODE_NAME = "kubetunnel-local";

    private static final Logger LOG = LoggerFactory.getLogger(LocalRunner.class);
    /** Longest wait for the runner's thread to answer a question. */
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(10);

    private final RunnerLoop loop = new RunnerLoop();
    private final Path workDir;
    private final boolean ownsWorkDir;
    private final CertificateAuthority ingressCa;
    private final ReadinessProber prober = new ReadinessProber();
    private SharedIndexInformer<Service> services;
    private ServiceMap serviceMap;
    private PodLauncher launcher;
    private DeploymentController deployments;
    private JobController jobs;
    private Kubelet kubelet;
    private KubeletServer kubeletServer;
    private TokenController tokens;
    private GarbageCollector garbageCollector;
    private IngressController ingresses;
    private IngressProxy ingressProxy;

    private LocalRunner(Path workDir, boolean ownsWorkDir, CertificateAuthority ingressCa) {
        this.workDir = workDir;
        this.ownsWorkDir = ownsWorkDir;
        this.ingressCa = ingressCa;
    }

    /** Starts every controller and the ingress proxy against {@code api}; the caller keeps ownership of {@code api}. */
    public static LocalRunner start(KubernetesClient api, RunnerOptions options) {
        return start(api, options, false);
    }

    /**
     * Starts the kubelet of Node {@link #NODE_NAME}, Service networking and the ingress proxy against a real API
     * server whose kube-controller-manager runs the Deployment, ReplicaSet, Job, token and garbage collector
     * controllers; {@code api} must be allowed what a kubelet and an ingress controller do (e.g. the cluster admin).
     */
    public static LocalRunner startKubelet(KubernetesClient api, RunnerOptions options) {
        return start(api, options, true);
    }

    private static LocalRunner start(KubernetesClient api, RunnerOptions options, boolean kubeletOnly) {
        Path workDir;
        try {
            workDir = options.workDir() != null
                    ? Files.createDirectories(options.workDir())
                    : Files.createTempDirectory("kubetunnel-runner-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the runner's work directory", e);
        }
        CertificateAuthority ca = options.ingressCa() != null
                ? options.ingressCa()
                : CertificateAuthority.generate("kubetunnel-local-ingress-ca");
        LocalRunner runner = new LocalRunner(workDir, options.workDir() == null, ca);
        try {
            runner.startControllers(api, options, kubeletOnly);
        } catch (RuntimeException e) {
            runner.close();
            throw e;
        }
        return runner;
    }

    private void startControllers(KubernetesClient api, RunnerOptions options, boolean kubeletOnly) {
        ApiEndpoint endpoint = ApiEndpoint.of(api.getConfiguration(), options.apiCaPem());
        // no handler: the Services are read on demand from the cache
        services = api.services().inAnyNamespace().inform();
        serviceMap = new ServiceMap(
                new PortAllocator(), (namespace, name) -> services.getStore().getByKey(namespace + "/" + name));
        launcher = new PodLauncher(api, endpoint, options, workDir, serviceMap, kubeletOnly);
        RestartBackoff backoff = new RestartBackoff(options.restartBackoff(), options.maxRestartBackoff());
        if (kubeletOnly) {
            kubelet = new Kubelet(api, NODE_NAME, launcher, serviceMap, prober, loop, backoff);
            Kubelet containers = kubelet;
            kubeletServer = KubeletServer.start(ingressCa, new NodePods() {
                @Override
                public Optional<InetSocketAddress> port(String namespace, String pod, int containerPort) {
                    return serviceMap.podPort(namespace, pod, containerPort);
                }

                @Override
                public Optional<LaunchPlan> container(String namespace, String pod, String container) {
                    return containers.container(namespace, pod, container);
                }
            });
            new LocalNode(api, NODE_NAME, kubeletServer.port()).register(loop);
            kubelet.start(options.probeInterval());
        } else {
            tokens = new TokenController(api, endpoint, loop);
            tokens.start();
            deployments = new DeploymentController(api, launcher, serviceMap, prober, loop, backoff);
            deployments.start(options.probeInterval());
            jobs = new JobController(api, launcher, loop, backoff);
            jobs.start(options.probeInterval());
            garbageCollector = new GarbageCollector(api, loop);
            garbageCollector.start(options.probeInterval().multipliedBy(2));
        }
        ingresses = new IngressController(api, loop);
        ingressProxy = IngressProxy.start(ingressCa, ingresses::routes, serviceMap::resolve);
        ingresses.start(ingressProxy.port());
        LOG.info(
                "local runner for {} started{} (work directory {}, ingress https://127.0.0.1:{})",
                endpoint.url(),
                kubeletOnly ? " as the kubelet of Node " + NODE_NAME : "",
                workDir,
                ingressProxy.port());
    }

    /** Services to loopback addresses. */
    public ServiceMap serviceMap() {
        return serviceMap;
    }

    /** For the controller: Service ports as {@code http://127.0.0.1:<port>}. */
    public ServiceAddressResolver addressResolver() {
        return serviceMap.addressResolver();
    }

    /** A URI naming a Service's DNS name (e.g. a kubeconfig's {@code socks5://…svc:1080} proxy-url), made loopback. */
    public URI rewrite(URI uri) {
        return serviceMap.rewrite(uri);
    }

    /** The ingress proxy's HTTPS port on 127.0.0.1 (also in every Ingress status). */
    public int ingressPort() {
        return ingressProxy.port();
    }

    /** The CA whose certificates the ingress proxy presents, PEM; clients (the agent, register) trust it. */
    public String ingressCaPem() {
        return ingressCa.certificatePem();
    }

    /**
     * The combined stdout/stderr of a workload's processes; {@code kind} is "Deployment" or "Job", or in kubelet mode
     * "Pod" (one file per Pod).
     */
    public Path logFile(String namespace, String kind, String name) {
        return launcher.logFile(namespace, kind, name);
    }

    /**
     * Whether a process runs for the Deployment now, as a kubelet knows beyond what the API says (a Deployment
     * deleted a moment ago may still have its process stopping).
     */
    public boolean runsDeployment(String namespace, String name) {
        try {
            return CompletableFuture.supplyAsync(
                            () -> kubelet != null
                                    ? kubelet.hasProcess(namespace + "/Deployment/" + name)
                                    : deployments.hasProcess(namespace + "/" + name),
                            loop)
                    .get(QUERY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the runner did not answer (closed?)", e);
        }
    }

    /** Where logs and mounted files live. */
    public Path workDir() {
        return workDir;
    }

    @Override
    public void close() {
        loop.close();
        closeQuietly(ingresses);
        closeQuietly(ingressProxy);
        closeQuietly(deployments);
        closeQuietly(jobs);
        closeQuietly(kubelet);
        closeQuietly(kubeletServer);
        closeQuietly(garbageCollector);
        closeQuietly(tokens);
        if (services != null) {
            services.close();
        }
        prober.close();
        if (ownsWorkDir) {
            try {
                PodLauncher.deleteRecursively(workDir);
            } catch (UncheckedIOException e) {
                LOG.warn("cannot delete {}: {}", workDir, e.getMessage());
            }
        }
        LOG.info("local runner stopped");
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", closeable.getClass().getSimpleName(), e.toString());
        }
    }
}
