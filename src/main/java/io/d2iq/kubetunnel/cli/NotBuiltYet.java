package io.d2iq.kubetunnel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Roles that are part of the CLI contract but not built yet: they say so and exit 2,
 * so scripts written against the final CLI fail loudly rather than silently.
 */
public abstract class NotBuiltYet implements Callable<Integer> {

    /** Exit code of a role that does not exist yet (same as a usage error). */
    public static final int EXIT_NOT_BUILT = 2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("kubetunnel: role '" + spec.name() + "' is not built yet");
        return EXIT_NOT_BUILT;
    }

    @Command(name = "demo", mixinStandardHelpOptions = true, description = "Runs the whole system on this machine without a cluster.")
    public static final class Demo extends NotBuiltYet {
    }
}
