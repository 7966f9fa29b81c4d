package io.d2iq.kubetunnel.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * A certificate issued by a {@link CertificateAuthority}, with its private key and the issuing CA.
 *
 * @param certificate the leaf certificate
 * @param privateKey  its private key; never log it
 * @param ca          the certificate of the CA that signed it
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate ca) {

    /** File name of the CA certificate, as in a kubernetes.io/tls Secret mounted as files. */
    public static final String CA_FILE = "ca.crt";
    /** File name of the certificate. */
    public static final String CERTIFICATE_FILE = "tls.crt";
    /** File name of the private key. */
    public static final String KEY_FILE = "tls.key";

    /** The certificate as PEM. */
    public String certificatePem() {
        return Pem.write(certificate);
    }

    /** The private key as PKCS#8 PEM. */
    public String privateKeyPem() {
        return Pem.write(privateKey);
    }

    /** The issuing CA's certificate as PEM. */
    public String caPem() {
        return Pem.write(ca);
    }

    /** A Netty server context presenting this certificate. */
    public SslContext serverContext() {
        try {
            return SslContextBuilder.forServer(privateKey, certificate).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a server TLS context", e);
        }
    }

    /** A JDK server context presenting this certificate (for com.sun.net.httpserver and plain SSLServerSockets). */
    public javax.net.ssl.SSLContext jdkServerContext() {
        return JdkContexts.presenting(privateKey, List.of(certificate, ca));
    }

    /** Writes {@code ca.crt}, {@code tls.crt} and {@code tls.key} (owner-only) into a directory, creating it. */
    public void writePem(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(CA_FILE), caPem());
            Files.writeString(directory.resolve(CERTIFICATE_FILE), certificatePem());
            Path key = directory.resolve(KEY_FILE);
            Files.writeString(key, privateKeyPem());
            restrictToOwner(key);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PEM files to " + directory, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }
}
