package io.d2iq.kubetunnel.kubeconfig;

import io.fabric8.kubernetes.api.model.AuthInfoBuilder;
import io.fabric8.kubernetes.api.model.ClusterBuilder;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.ContextBuilder;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A kubeconfig reduced to what reaches one API server: one cluster, one user, one context (the current one).
 * Only these fields survive a round trip through {@link KubeconfigParser}, so the rendered YAML is
 * deterministic and a repeated registration renders byte for byte the same.
 *
 * @param certificateAuthorityData base64 of the PEM CA bundle, as in {@code certificate-authority-data}
 * @param tlsServerName optional {@code tls-server-name}
 * @param proxyUrl optional {@code proxy-url}, how clients reach the server
 * @param namespace optional namespace of the context (local-api's names "default"); the parser does not keep it
 */
public record Kubeconfig(
        String clusterName,
        String server,
        String certificateAuthorityData,
        String tlsServerName,
        String proxyUrl,
        String userName,
        Credentials credentials,
        String contextName,
        String namespace) {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final String NAME = "remote";

    /** The kubeconfig of a service account: its token, the cluster's CA (PEM) and the API server address. */
    public static Kubeconfig forServiceAccount(String server, byte[] caPem, String token) {
        return new Kubeconfig(
                NAME,
                server,
                Base64.getEncoder().encodeToString(caPem),
                null,
                null,
                NAME,
                Credentials.token(token),
                NAME,
                null);
    }

    /** The same kubeconfig, whose clients reach the server through {@code proxyUrl}. */
    public Kubeconfig withProxyUrl(String proxyUrl) {
        return new Kubeconfig(
                clusterName,
                server,
                certificateAuthorityData,
                tlsServerName,
                proxyUrl,
                userName,
                credentials,
                contextName,
                namespace);
    }

    /** The kubeconfig file, as kubectl reads it. */
    public String toYaml() {
        Config config = new ConfigBuilder()
                .withApiVersion("v1")
                .withKind("Config")
                .addToClusters(new NamedClusterBuilder()
                        .withName(clusterName)
                        .withCluster(new ClusterBuilder()
                                .withServer(server)
                                .withCertificateAuthorityData(certificateAuthorityData)
                                .withTlsServerName(tlsServerName)
                                .withProxyUrl(proxyUrl)
                                .build())
                        .build())
                .addToUsers(new NamedAuthInfoBuilder()
                        .withName(userName)
                        .withUser(new AuthInfoBuilder()
                                .withToken(credentials.token())
                                .withClientCertificateData(credentials.clientCertificateData())
                                .withClientKeyData(credentials.clientKeyData())
                                .build())
                        .build())
                .addToContexts(new NamedContextBuilder()
                        .withName(contextName)
                        .withContext(new ContextBuilder()
                                .withCluster(clusterName)
                                .withUser(userName)
                                .withNamespace(namespace)
                                .build())
                        .build())
                .withCurrentContext(contextName)
                .build();
        return SERIALIZATION.asYaml(config);
    }

    /** {@link #toYaml()} as UTF-8 bytes, the form stored in a Secret. */
    public byte[] toYamlBytes() {
        return toYaml().getBytes(StandardCharsets.UTF_8);
    }
}
