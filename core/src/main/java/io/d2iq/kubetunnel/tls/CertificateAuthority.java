package io.d2iq.kubetunnel.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLException;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority: a self-signed CA that issues server certificates for given DNS names
 * and IP addresses. Keys are EC P-256 (fast to generate, accepted by Go's TLS stack, so by kubectl).
 * Used by the embedded API ({@code local-api --tls}), the tunnel server and the demo.
 */
public final class CertificateAuthority {

    /** How long generated certificates stay valid; long enough for any local run, short enough to be obviously test material. */
    public static final Duration VALIDITY = Duration.ofDays(365);

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final Duration CLOCK_SKEW = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** Generates a new self-signed CA with the given common name. */
    public static CertificateAuthority generate(String commonName) {
        KeyPair keyPair = Pem.newKeyPair();
        X500Name subject = new X500Name("CN=" + commonName);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(subject, subject, keyPair)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
            return new CertificateAuthority(sign(builder, keyPair.getPrivate()), keyPair.getPrivate());
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate CA " + commonName, e);
        }
    }

    /** Loads a CA from its PEM certificate and PEM private key (PKCS#8, SEC1 or PKCS#1), e.g. from a Secret. */
    public static CertificateAuthority fromPem(String certificatePem, String privateKeyPem) {
        return new CertificateAuthority(Pem.readCertificate(certificatePem), Pem.readPrivateKey(privateKeyPem));
    }

    /**
     * Issues a server certificate (also usable as a client certificate) for the given DNS names and IP
     * addresses; the first DNS name (or IP, if there are none) becomes the common name.
     */
    public IssuedCertificate issueServer(List<String> dnsNames, List<String> ipAddresses) {
        if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one DNS name or IP address");
        }
        KeyPair keyPair = Pem.newKeyPair();
        String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = builder(
                            X500Name.getInstance(
                                    certificate.getSubjectX500Principal().getEncoded()),
                            new X500Name("CN=" + commonName),
                            keyPair)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                        KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                    }))
                    .addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(
                            Extension.authorityKeyIdentifier,
                            false,
                            extensions.createAuthorityKeyIdentifier(certificate));
            return new IssuedCertificate(sign(builder, privateKey), keyPair.getPrivate(), certificate);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + names, e);
        }
    }

    /** Issues a certificate for {@code localhost} and {@code 127.0.0.1}, what every local server needs. */
    public IssuedCertificate issueLocalhost() {
        return issueServer(List.of("localhost"), List.of("127.0.0.1"));
    }

    /** The CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA certificate as PEM: what goes into a kubeconfig's certificate-authority-data or a ca.crt file. */
    public String certificatePem() {
        return Pem.write(certificate);
    }

    /** The CA private key as PKCS#8 PEM, to persist the CA in a Secret; never log it. */
    public String privateKeyPem() {
        return Pem.write(privateKey);
    }

    /** A Netty client context that trusts this CA only. */
    public SslContext clientContext() {
        try {
            return SslContextBuilder.forClient().trustManager(certificate).build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a client TLS context", e);
        }
    }

    /** A JDK client context that trusts this CA only (for java.net.http and fabric8-free clients). */
    public javax.net.ssl.SSLContext jdkClientContext() {
        return JdkContexts.trusting(List.of(certificate));
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keyPair) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(127, RANDOM).add(BigInteger.ONE),
                Date.from(now.minus(CLOCK_SKEW)),
                Date.from(now.plus(VALIDITY)),
                subject,
                keyPair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signer)));
    }
}
