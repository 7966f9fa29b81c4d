package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.kubeconfig.Credentials;
import io.d2iq.kubetunnel.kubeconfig.Kubeconfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The fabric8 client configuration for a registered kubeconfig, set field by field from what the parser
 * accepted. Nothing is loaded: {@link Config#empty()} with auto-configuration off reads no {@code ~/.kube/config},
 * environment variable, system property or service-account file, and with no kubeconfig file behind it
 * {@link Config#refresh()} (fabric8's reaction to a 401) has nothing to reload, so no exec plugin, auth provider or
 * file path can enter. fabric8 7.5 has no TLS server name setting, so {@code tls-server-name} is not applied: the
 * server certificate must match the server URL's host.
 */
final class RemoteClientConfig {

    private RemoteClientConfig() {}

    /**
     * @param tunnelProxyUrl the connector's tunnel-server proxy port ({@code socks5://host:port}); the kubeconfig's own
     *        proxy-url is ignored, so a rewritten Secret cannot send the remote token anywhere else
     * @param timeoutMillis connection and request timeout
     */
    static Config of(Kubeconfig kubeconfig, String tunnelProxyUrl, int timeoutMillis) {
        Credentials credentials = kubeconfig.credentials();
        return new ConfigBuilder(Config.empty())
                .withAutoConfigure(false)
                .withMasterUrl(kubeconfig.server())
                .withCaCertData(kubeconfig.certificateAuthorityData())
                .withOauthToken(credentials.token())
                .withClientCertData(credentials.clientCertificateData())
                .withClientKeyData(credentials.clientKeyData())
                .withClientKeyAlgo(keyAlgorithm(credentials.clientKeyData()))
                .withHttpsProxy(tunnelProxyUrl)
                .withHttpProxy(tunnelProxyUrl)
                .withConnectionTimeout(timeoutMillis)
                .withRequestTimeout(timeoutMillis)
                .withRequestRetryBackoffLimit(0)
                .build();
    }

    /**
     * "EC" for a PEM EC key, else "RSA": what fabric8's own detection answers, without its lookup of the
     * {@code kubernetes.certs.client.key.algo} property and environment variable.
     */
    private static String keyAlgorithm(String clientKeyData) {
        if (clientKeyData == null) {
            return null;
        }
        String pem = new String(Base64.getDecoder().decode(clientKeyData), StandardCharsets.US_ASCII);
        return pem.contains("BEGIN EC PRIVATE KEY") ? "EC" : "RSA";
    }
}
