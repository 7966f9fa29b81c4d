package io.d2iq.kubetunnel.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --tls-cert FILE --tls-key FILE}: HTTPS on a role's serving port, both or neither. */
public final class ServingTlsOptions {

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "PEM certificate chain; with --tls-key, serve TLS on --port.")
    Path cert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
    Path key;

    /** The certificate chain, or null for plain HTTP. */
    public Path cert() {
        return cert;
    }

    /** The private key, or null for plain HTTP. */
    public Path key() {
        return key;
    }

    /** Refuses one without the other. */
    public void validate(CommandLine commandLine) {
        if ((cert == null) != (key == null)) {
            throw new ParameterException(commandLine, "--tls-cert and --tls-key go together");
        }
    }
}
