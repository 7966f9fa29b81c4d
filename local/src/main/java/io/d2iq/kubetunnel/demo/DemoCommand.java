package io.d2iq.kubetunnel.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code demo} role: the whole system on this machine, no cluster needed. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Runs the whole system on this machine without a cluster: two embedded APIs (or, with "
                + "--control-plane, two real control planes), the controller, local runners; connects a remote cluster "
                + "through the tunnel and runs kubectl through it.")
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--hold", description = "Keep everything running after the demo until Ctrl-C.")
    boolean hold;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "Write management.kubeconfig, remote.kubeconfig, tunnel.kubeconfig and logs here (default: a temporary directory).")
    Path out;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "120",
            description = "Longest wait for each state (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(
            names = "--kubectl",
            description =
                    "kubectl executable (default: DIR/kubectl with --control-plane when it exists, else kubectl).")
    String kubectl;

    @Option(
            names = "--control-plane",
            paramLabel = "DIR",
            description = "Run on two real control planes (etcd, kube-apiserver, kube-controller-manager from DIR, as "
                    + "tools/control-plane/build.sh builds them) instead of embedded APIs; the local runners play only "
                    + "the kubelet and the ingress controller.")
    Path controlPlane;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dir = out != null ? out : Files.createTempDirectory("kubetunnel-demo-");
        long started = System.nanoTime();
        String kubectlExecutable = kubectl != null
                ? kubectl
                : controlPlane != null && Files.isExecutable(controlPlane.resolve("kubectl"))
                        ? controlPlane.resolve("kubectl").toString()
                        : "kubectl";
        Demo demo = new Demo(dir, kubectlExecutable, Duration.ofSeconds(timeoutSeconds), System.out, controlPlane);
        // Ctrl-C at any point stops the role processes the runners started, too.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            demo.close();
                            stopped.countDown();
                        },
                        "demo-shutdown"));
        try {
            demo.run();
            System.out.printf("%nDemo finished in %.1f s; files in %s%n", (System.nanoTime() - started) / 1e9, dir);
            if (hold) {
                demo.printHoldInstructions();
                stopped.await();
            }
            return 0;
        } catch (DemoStepFailed e) {
            spec.commandLine().getErr().println("demo failed: " + e.getMessage());
            return 1;
        } finally {
            demo.close();
        }
    }
}
