package io.d2iq.kubetunnel.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one place that turns keys and certificates into JDK {@link SSLContext}s, for servers and clients that are
 * not Netty (com.sun.net.httpserver, java.net.http, Camel's webhook).
 */
public final class JdkContexts {

    /** The key store only lives in memory, so its password protects nothing. */
    private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();

    private JdkContexts() {}

    /** A server context presenting {@code chain} (leaf first) with {@code key}. */
    public static SSLContext presenting(PrivateKey key, List<X509Certificate> chain) {
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("server", key, IN_MEMORY_PASSWORD, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, IN_MEMORY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a JDK server TLS context", e);
        }
    }

    /** A client context trusting only {@code certificates}. */
    public static SSLContext trusting(List<X509Certificate> certificates) {
        try {
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                trustStore.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a JDK TLS context", e);
        }
    }
}
