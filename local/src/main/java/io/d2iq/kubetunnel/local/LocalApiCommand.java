package io.d2iq.kubetunnel.local;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code local-api} role: an embedded Kubernetes API for kubectl, until the process is stopped. */
@Command(
        name = "local-api",
        mixinStandardHelpOptions = true,
        description = "Runs an embedded Kubernetes API (fabric8 mock, CRUD) on 127.0.0.1 that kubectl can use.")
public final class LocalApiCommand implements Callable<Integer> {

    /** Exit code when the API cannot start (port taken, kubeconfig not writable). */
    public static final int EXIT_START_FAILED = 1;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--port",
            paramLabel = "P",
            defaultValue = "0",
            description = "Port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--kubeconfig-out",
            paramLabel = "FILE",
            required = true,
            description = "Where to write the kubeconfig for kubectl.")
    Path kubeconfigOut;

    @Option(names = "--tls", description = "Serve HTTPS with a generated CA, written into the kubeconfig.")
    boolean tls;

    @Override
    public Integer call() throws InterruptedException {
        LocalApi api;
        try {
            api = LocalApi.start(port, tls, kubeconfigOut);
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("kubetunnel local-api: " + e.getMessage());
            return EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            api.close();
                            stopped.countDown();
                        },
                        "local-api-shutdown"));
        spec.commandLine()
                .getOut()
                .println("local-api listening on " + api.url() + "; kubeconfig written to " + kubeconfigOut);
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }
}
