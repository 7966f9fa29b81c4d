package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.tls.JdkContexts;
import io.d2iq.kubetunnel.tls.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;

/**
 * Server TLS from a PEM certificate chain and key, the form Kubernetes TLS Secrets mount ({@code tls.crt},
 * {@code tls.key}); Camel's own parameters want a keystore file.
 */
public final class PemSslContextParameters extends SSLContextParameters {

    private final Path certificateFile;
    private final Path keyFile;

    public PemSslContextParameters(Path certificateFile, Path keyFile) {
        this.certificateFile = certificateFile;
        this.keyFile = keyFile;
    }

    @Override
    public SSLContext createSSLContext(CamelContext camelContext) throws GeneralSecurityException, IOException {
        try {
            return JdkContexts.presenting(
                    Pem.readPrivateKey(Files.readString(keyFile)),
                    Pem.readCertificates(Files.readString(certificateFile)));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(
                    "cannot read " + certificateFile + " or " + keyFile + ": " + e.getMessage(), e);
        }
    }
}
