package io.d2iq.kubetunnel.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --token-file FILE} option of every role that presents or checks the connector's token. */
public final class ConnectorTokenOption {

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            required = true,
            description = "File holding the connector's token (Secret <connector>-agent-token): the agent and "
                    + "register present it as a Bearer token, the tunnel-server and the webhook accept no other.")
    Path file;

    public Path file() {
        return file;
    }
}
