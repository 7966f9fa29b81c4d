package io.d2iq.kubetunnel.cli;

import io.d2iq.kubetunnel.model.ManagementPort;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code --management-port PORT} option of every long-running role (docs/operations.md, "Observability"). */
public final class ManagementPortOption {

    @Option(
            names = "--management-port",
            paramLabel = "PORT",
            defaultValue = "" + ManagementPort.PORT,
            description = "Port of /observe/health and /observe/metrics (and /observe/jolokia on the controller), "
                    + "0 for none (default: ${DEFAULT-VALUE}).")
    int port;

    /** The port, 0 for no management endpoints. */
    public int port() {
        return port;
    }

    /** Refuses a port outside 0..65535. */
    public void validate(CommandLine commandLine) {
        if (port < 0 || port > 65_535) {
            throw new ParameterException(commandLine, "--management-port must be in 0..65535, not " + port);
        }
    }
}
