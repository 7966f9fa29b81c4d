package io.d2iq.kubetunnel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    private final CertificateAuthority ca = CertificateAuthority.generate("kubetunnel-test-ca");

    @Test
    void caIsSelfSignedAndMayIssueCertificates() throws Exception {
        X509Certificate certificate = ca.certificate();

        certificate.verify(certificate.getPublicKey());
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=kubetunnel-test-ca");
        assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void serverCertificateIsSignedByTheCaAndNamesEveryDnsNameAndIp() throws Exception {
        IssuedCertificate issued = ca.issueServer(List.of("tunnel.example", "localhost"), List.of("127.0.0.1"));
        X509Certificate certificate = issued.certificate();

        certificate.verify(ca.certificate().getPublicKey());
        certificate.checkValidity();
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(certificate.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
        assertThat(certificate.getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(
                        List.of(SAN_DNS, "tunnel.example"),
                        List.of(SAN_DNS, "localhost"),
                        List.of(SAN_IP, "127.0.0.1"));
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=tunnel.example");
    }

    @Test
    void certificateWithoutAnyNameIsRefused() {
        assertThatThrownBy(() -> ca.issueServer(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pemFilesRoundTripToTheSameCertificateAndKey(@TempDir Path dir) throws Exception {
        IssuedCertificate issued = ca.issueLocalhost();

        issued.writePem(dir);

        assertThat(Pem.readCertificate(Files.readString(dir.resolve("ca.crt")))).isEqualTo(ca.certificate());
        assertThat(Pem.readCertificate(Files.readString(dir.resolve("tls.crt"))))
                .isEqualTo(issued.certificate());
        assertThat(Pem.readPrivateKey(Files.readString(dir.resolve("tls.key")))).isEqualTo(issued.privateKey());
        assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.getPosixFilePermissions(dir.resolve("tls.key"))).hasSize(2);
    }

    @Test
    void caLoadedFromPemIssuesCertificatesThatTheOriginalVerifies() throws Exception {
        CertificateAuthority loaded = CertificateAuthority.fromPem(ca.certificatePem(), ca.privateKeyPem());

        X509Certificate issued = loaded.issueLocalhost().certificate();

        issued.verify(ca.certificate().getPublicKey());
    }

    @Test
    void textWithoutPemIsRefusedWithAClearError() {
        assertThatThrownBy(() -> Pem.readCertificate("not pem"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no certificate");
        assertThatThrownBy(() -> Pem.readPrivateKey(ca.certificatePem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no private key");
    }
}
