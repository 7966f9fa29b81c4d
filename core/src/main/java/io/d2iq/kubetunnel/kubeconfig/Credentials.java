package io.d2iq.kubetunnel.kubeconfig;

/**
 * How the kubeconfig's user authenticates: a bearer token, a client certificate and key (base64 PEM, as in
 * {@code client-certificate-data}/{@code client-key-data}), or both. {@link #toString()} never shows them.
 */
public record Credentials(String token, String clientCertificateData, String clientKeyData) {

    /** Credentials of a service account: a bearer token only. */
    public static Credentials token(String token) {
        return new Credentials(token, null, null);
    }

    public boolean hasToken() {
        return token != null && !token.isBlank();
    }

    public boolean hasClientCertificate() {
        return clientCertificateData != null && clientKeyData != null;
    }

    @Override
    public String toString() {
        return "Credentials[token=" + (hasToken() ? "<redacted>" : "none") + ", clientCertificate="
                + (hasClientCertificate() ? "<redacted>" : "none") + "]";
    }
}
