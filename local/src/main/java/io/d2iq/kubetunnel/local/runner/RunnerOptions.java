package io.d2iq.kubetunnel.local.runner;

import io.d2iq.kubetunnel.tls.CertificateAuthority;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * How a {@link LocalRunner} launches roles and plays the cluster. {@link #defaults()} runs the roles of
 * this JVM's class path; tests replace the main class and roles with a small test role.
 *
 * @param javaCommand  the {@code java} executable for role processes
 * @param classPath    their class path
 * @param mainClass    their main class, given the container's args
 * @param roles        args[0] values that mark a Deployment or Job (in kubelet mode: a Pod) as ours to run
 * @param jvmArgs      JVM flags of a role process whose container sets no {@code JAVA_TOOL_OPTIONS} (small heap,
 *                     quick start-up); a container that sets them runs with those alone
 * @param workDir      where logs and mounted files go; null: a new temporary directory, deleted on close
 * @param ingressCa    CA that signs the ingress proxy's certificates; null: a generated one
 * @param apiCaPem     CA of the API the workloads live in, written as {@code ca.crt}; null: taken from the client
 * @param probeInterval how often readiness is probed and state re-checked
 * @param restartBackoff first wait before restarting a process that exited; doubles up to {@code maxRestartBackoff}
 * @param maxRestartBackoff longest wait between restarts
 */
public record RunnerOptions(
        Path javaCommand,
        String classPath,
        String mainClass,
        Set<String> roles,
        List<String> jvmArgs,
        Path workDir,
        CertificateAuthority ingressCa,
        String apiCaPem,
        Duration probeInterval,
        Duration restartBackoff,
        Duration maxRestartBackoff) {

    /** The kubetunnel entry point. */
    public static final String KUBETUNNEL_MAIN = "io.d2iq.kubetunnel.Main";
    /** Roles a cluster runs as workloads (the controller, local-api and demo are not). */
    public static final Set<String> WORKLOAD_ROLES = Set.of("tunnel-server", "kubeconfig-webhook", "agent", "register");
    /** Role processes are small and short-lived: a C1-only JIT starts them noticeably faster on 2 cores. */
    public static final List<String> DEFAULT_JVM_ARGS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

    /** This JVM's java and class path, the kubetunnel roles, a generated ingress CA. */
    public static RunnerOptions defaults() {
        return new RunnerOptions(
                Path.of(System.getProperty("java.home"), "bin", "java"),
                absoluteClassPath(System.getProperty("java.class.path")),
                KUBETUNNEL_MAIN,
                WORKLOAD_ROLES,
                DEFAULT_JVM_ARGS,
                null,
                null,
                null,
                Duration.ofMillis(500),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10));
    }

    /** Role processes run in their pod's directory, so a relative entry such as {@code target/kubetunnel.jar} must be made absolute. */
    static String absoluteClassPath(String classPath) {
        return Arrays.stream(classPath.split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** The same options running {@code mainClass} for the given roles. */
    public RunnerOptions withMain(String mainClass, Set<String> roles) {
        return with(copy -> {
            copy.mainClass = mainClass;
            copy.roles = roles;
        });
    }

    /** The same options with logs and mounted files under {@code workDir} (kept on close). */
    public RunnerOptions withWorkDir(Path workDir) {
        return with(copy -> copy.workDir = workDir);
    }

    /** The same options with the ingress proxy's certificates signed by {@code ingressCa}. */
    public RunnerOptions withIngressCa(CertificateAuthority ingressCa) {
        return with(copy -> copy.ingressCa = ingressCa);
    }

    /** The same options with {@code apiCaPem} as the workloads' API CA. */
    public RunnerOptions withApiCa(String apiCaPem) {
        return with(copy -> copy.apiCaPem = apiCaPem);
    }

    /** The same options with other restart waits. */
    public RunnerOptions withRestartBackoff(Duration first, Duration max) {
        return with(copy -> {
            copy.restartBackoff = first;
            copy.maxRestartBackoff = max;
        });
    }

    /** Every wither in one place: a record has no copy-with, and eleven components copied by hand drift apart. */
    private RunnerOptions with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The components of one {@link RunnerOptions}, for a wither to change before building the new one. */
    private static final class Copy {
        Path javaCommand;
        String classPath;
        String mainClass;
        Set<String> roles;
        List<String> jvmArgs;
        Path workDir;
        CertificateAuthority ingressCa;
        String apiCaPem;
        Duration probeInterval;
        Duration restartBackoff;
        Duration maxRestartBackoff;

        Copy(RunnerOptions from) {
            javaCommand = from.javaCommand;
            classPath = from.classPath;
            mainClass = from.mainClass;
            roles = from.roles;
            jvmArgs = from.jvmArgs;
            workDir = from.workDir;
            ingressCa = from.ingressCa;
            apiCaPem = from.apiCaPem;
            probeInterval = from.probeInterval;
            restartBackoff = from.restartBackoff;
            maxRestartBackoff = from.maxRestartBackoff;
        }

        RunnerOptions build() {
            return new RunnerOptions(
                    javaCommand,
                    classPath,
                    mainClass,
                    roles,
                    jvmArgs,
                    workDir,
                    ingressCa,
                    apiCaPem,
                    probeInterval,
                    restartBackoff,
                    maxRestartBackoff);
        }
    }
}
