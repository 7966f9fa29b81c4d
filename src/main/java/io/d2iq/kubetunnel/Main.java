package io.d2iq.kubetunnel;

import io.d2iq.kubetunnel.cli.NotBuiltYet;
import io.d2iq.kubetunnel.tunnel.agent.AgentCommand;
import io.d2iq.kubetunnel.tunnel.server.TunnelServerCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one entry point of the JAR and the container image: the first argument picks the role.
 * Usage errors (unknown role or flag) exit 2, as picocli does by default.
 */
@Command(name = "kubetunnel", mixinStandardHelpOptions = true,
        versionProvider = KubetunnelVersion.class,
        description = "Kubernetes controller and reverse tunnel: a management cluster reaches remote API servers it cannot dial.",
        subcommands = {
                NotBuiltYet.Controller.class,
                TunnelServerCommand.class,
                NotBuiltYet.KubeconfigWebhook.class,
                AgentCommand.class,
                NotBuiltYet.Register.class,
                NotBuiltYet.LocalApi.class,
                NotBuiltYet.Demo.class,
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one role and returns its exit code; tests call this instead of {@link #main}. */
    public static int execute(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing role: choose one of "
                + String.join(", ", spec.subcommands().keySet()));
    }
}
