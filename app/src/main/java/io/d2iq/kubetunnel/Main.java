package io.d2iq.kubetunnel;

import io.d2iq.kubetunnel.controller.ControllerCommand;
import io.d2iq.kubetunnel.demo.DemoCommand;
import io.d2iq.kubetunnel.laptop.KubeconfigCommand;
import io.d2iq.kubetunnel.local.LocalApiCommand;
import io.d2iq.kubetunnel.register.RegisterCommand;
import io.d2iq.kubetunnel.tunnel.agent.AgentCommand;
import io.d2iq.kubetunnel.tunnel.server.TunnelServerCommand;
import io.d2iq.kubetunnel.webhook.KubeconfigWebhookCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point of the JAR and the container image: the first argument picks the role.
 * Usage errors (unknown role or flag) exit 2, as picocli does by default.
 */
@Command(
        name = "kubetunnel",
        mixinStandardHelpOptions = true,
        versionProvider = KubetunnelVersion.class,
        description =
                "Kubernetes controller and reverse tunnel: a management cluster reaches remote API servers it cannot dial.",
        subcommands = {
            ControllerCommand.class,
            TunnelServerCommand.class,
            KubeconfigWebhookCommand.class,
            AgentCommand.class,
            RegisterCommand.class,
            LocalApiCommand.class,
            DemoCommand.class,
            KubeconfigCommand.class,
        })
public final class Main implements Runnable {

    private static final String NETTY_LEAK_DETECTION_LEVEL = "io.netty.leakDetection.level";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static {
        // Before anything touches java.util.logging: send it (fabric8's mock server) through log4j2.
        System.setProperty("java.util.logging.manager", "org.apache.logging.log4j.jul.LogManager");
    }

    public static void main(String[] args) {
        // Netty's leak detector records a stack trace for one buffer in 128; under tunnel traffic that was the
        // event loops' busiest user-space function (1.5-1.7 % of their CPU, perf). Tests that call execute()
        // in-process keep it; -Dio.netty.leakDetection.level=simple turns it back on.
        if (System.getProperty(NETTY_LEAK_DETECTION_LEVEL) == null) {
            System.setProperty(NETTY_LEAK_DETECTION_LEVEL, "disabled");
        }
        System.exit(execute(args));
    }

    /** Runs one role and returns its exit code; tests call this instead of {@link #main}. */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "Missing role: choose one of "
                        + String.join(", ", spec.subcommands().keySet()));
    }
}
