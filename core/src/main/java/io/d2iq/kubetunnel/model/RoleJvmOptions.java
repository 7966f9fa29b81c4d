package io.d2iq.kubetunnel.model;

import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The JVM options each role's container runs with, as its {@code JAVA_TOOL_OPTIONS}: the one place they are
 * decided, for the Deployments the controller writes (tunnel server, kubeconfig webhook), the agent manifests
 * (agent, register Job) and the controller's own Helm chart. The local runner launches a pod that sets them with
 * exactly these and nothing of its own, so {@code bench/footprint.sh} measures what is shipped.
 *
 * <p>Every flag is there for a figure measured in {@code docs/benchmarks.md} ("Footprint per role"). The options
 * are explicit rather than derived from the pod's memory limit, so that the same role sizes itself the same on
 * any node and in the local runner (which has no limit to derive them from).
 */
public final class RoleJvmOptions {

    /** The variable the JVM reads its options from before its command line. */
    public static final String ENV = "JAVA_TOOL_OPTIONS";

    /** Every role. */
    private static final List<String> COMMON = List.of(
            // One collector thread and no G1 region tables. In a pod limited to 256Mi with 2 CPUs the JVM picks
            // Serial by itself; on a node where it sees 2+ CPUs and 1792+ MB without a limit (the local runner,
            // a pod without a limit) it would pick G1, so name it and get the same collector everywhere.
            "-XX:+UseSerialGC",
            // The initial heap is otherwise 1/64 of the memory the JVM sees: 256 MiB on the 24 GB bench machine
            // without a limit, whose young generation (78 MiB) was touched in full before the first collection
            // and stayed resident (jcmd GC.heap_info). From 8 MiB the heap grows only as far as the role's live
            // data asks (14-22 MiB live after a full GC when idle). Together with the -Xmx below this took the
            // demo's private memory from 174-183 to 126-136 MiB (tunnel-server), 204-212 to 137-144 (webhook),
            // 157-159 to 121-129 (agent). A pod's JVM already starts at 4 MiB (1/64 of its 256Mi limit): there
            // this makes the runner measure what the pod runs rather than saving.
            "-Xms8m",
            // A bound, not a saving: idle metaspace is 37-49 MiB per role, so a class-loading leak fails with
            // OutOfMemoryError: Metaspace in the role's log rather than an OOM kill from the memory limit.
            "-XX:MaxMetaspaceSize=128m",
            // Half the default stack reservation for the 40-56 threads of a role; none of them recurses deeply
            // (the local runner has run every role with it since the demo began).
            "-Xss512k");

    /**
     * The tunnel roles keep C2: with C1 only (-XX:TieredStopAtLevel=1) their RSS under load was 40-48 MiB lower,
     * but one stream ran at 0.8x, the reversed stream (the agent masks every frame) at 0.2-0.3x and 1 MiB
     * responses at 0.3x of the same JVMs with C2, at 3-4x the CPU per GB (bench/tunnel.sh, 2026-12-02).
     * One Netty arena instead of 2 per CPU (-Dio.netty.allocator.numDirectArenas=1, numHeapArenas=1) was tried and
     * not kept: at 1,000 active streams RSS moved by -13 to +22 MiB per JVM and throughput was lower in the same run
     * (bench/results/tunnel-20261202T155425Z.md).
     */
    private static final List<String> TUNNEL = List.of("-Xmx128m");

    /**
     * C1 only where the role answers a handful of requests in its life: no C2 compiler thread and its arenas,
     * and no C2 compilations at start-up.
     */
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    private static final Map<String, List<String>> BY_ROLE = Map.of(
            "tunnel-server", concat(COMMON, TUNNEL),
            "agent", concat(COMMON, TUNNEL),
            // one POST per registration, 18-20 MiB live heap idle; at -Xmx64m its readiness flapped under load in an
            // earlier round, so 96 MiB leaves it 4-5x its live data
            "kubeconfig-webhook", concat(COMMON, List.of("-Xmx96m", C1_ONLY)),
            // a one-shot Job: reads two files, POSTs once, exits
            "register", concat(COMMON, List.of("-Xmx64m", C1_ONLY)),
            // The controller's Deployment is the Helm chart's (deploy/helm/kubetunnel, rendered into deploy/):
            // DeployedJvmOptionsTest keeps its JAVA_TOOL_OPTIONS equal to these. Its heap grows with the number
            // of connectors (216 MiB at 1,000, docs/benchmarks.md), so it is a share of its limit, not fixed.
            "controller", List.of("-XX:MaxRAMPercentage=75", "-Djava.io.tmpdir=/tmp"));

    private RoleJvmOptions() {}

    /** The options of {@code role} (the container's first argument), as one {@code JAVA_TOOL_OPTIONS} value. */
    public static String of(String role) {
        List<String> options = BY_ROLE.get(role);
        if (options == null) {
            throw new IllegalArgumentException("no JVM options for role " + role);
        }
        return String.join(" ", options);
    }

    /** The {@code JAVA_TOOL_OPTIONS} variable of {@code role}'s container. */
    public static EnvVar env(String role) {
        return new EnvVar(ENV, of(role), null);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
