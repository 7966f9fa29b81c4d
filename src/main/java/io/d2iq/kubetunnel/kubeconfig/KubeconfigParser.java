package io.d2iq.kubetunnel.kubeconfig;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Turns a posted kubeconfig into a {@link Kubeconfig}, or says in one sentence why it is unusable from
 * another cluster: exactly one cluster, user and context, the current context naming them, an https server,
 * an embedded CA, and embedded credentials (a token, or a client certificate and key). File paths, exec
 * plugins and auth providers are refused: they point at things that exist only on the remote machine.
 * Messages never quote the input, which may hold credentials; parse errors give only a line and column.
 */
public final class KubeconfigParser {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private KubeconfigParser() {
    }

    public static Kubeconfig parse(String yaml) throws InvalidKubeconfigException {
        if (yaml == null || yaml.isBlank()) {
            throw new InvalidKubeconfigException("the body is empty: a kubeconfig is required");
        }
        Config config = read(yaml);
        if (config.getKind() != null && !"Config".equals(config.getKind())) {
            throw new InvalidKubeconfigException("kind is '" + config.getKind() + "': a kubeconfig has kind Config");
        }
        NamedCluster cluster = single(config.getClusters(), "clusters");
        NamedAuthInfo user = single(config.getUsers(), "users");
        NamedContext context = single(config.getContexts(), "contexts");
        checkNamed(cluster.getName(), cluster.getCluster(), "cluster");
        checkNamed(user.getName(), user.getUser(), "user");
        checkNamed(context.getName(), context.getContext(), "context");
        checkContext(config.getCurrentContext(), context, cluster.getName(), user.getName());
        Cluster c = cluster.getCluster();
        return new Kubeconfig(cluster.getName(), httpsServer(c.getServer()), certificateAuthority(c),
                blankToNull(c.getTlsServerName()), blankToNull(c.getProxyUrl()), user.getName(), credentials(user.getUser()), context.getName());
    }

    private static Config read(String yaml) throws InvalidKubeconfigException {
        Config config;
        try {
            config = SERIALIZATION.unmarshal(yaml, Config.class);
        } catch (RuntimeException e) {
            throw new InvalidKubeconfigException("the body is not a YAML kubeconfig" + location(e));
        }
        if (config == null) {
            throw new InvalidKubeconfigException("the body is not a YAML kubeconfig");
        }
        return config;
    }

    private static String location(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
                JsonLocation at = jpe.getLocation();
                return " (error at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            }
        }
        return "";
    }

    private static <T> T single(List<T> entries, String field) throws InvalidKubeconfigException {
        int count = entries == null ? 0 : entries.size();
        if (count != 1) {
            throw new InvalidKubeconfigException("the kubeconfig has " + count + " " + field + ": exactly one is required");
        }
        T entry = entries.get(0);
        if (entry == null) {
            throw new InvalidKubeconfigException("the kubeconfig's " + field + " entry is empty");
        }
        return entry;
    }

    private static void checkNamed(String name, Object entry, String kind) throws InvalidKubeconfigException {
        if (name == null || name.isBlank()) {
            throw new InvalidKubeconfigException("the " + kind + " entry has no name");
        }
        if (entry == null) {
            throw new InvalidKubeconfigException("the " + kind + " '" + name + "' is empty");
        }
    }

    private static void checkContext(String currentContext, NamedContext context, String clusterName, String userName)
            throws InvalidKubeconfigException {
        if (currentContext == null || currentContext.isBlank()) {
            throw new InvalidKubeconfigException("current-context is not set");
        }
        if (!currentContext.equals(context.getName())) {
            throw new InvalidKubeconfigException("current-context '" + currentContext + "' does not name a context");
        }
        Context c = context.getContext();
        if (!Objects.equals(c.getCluster(), clusterName)) {
            throw new InvalidKubeconfigException("context '" + context.getName() + "' names cluster '" + c.getCluster()
                    + "', which is not defined");
        }
        if (!Objects.equals(c.getUser(), userName)) {
            throw new InvalidKubeconfigException("context '" + context.getName() + "' names user '" + c.getUser()
                    + "', which is not defined");
        }
    }

    private static String httpsServer(String server) throws InvalidKubeconfigException {
        if (server == null || server.isBlank()) {
            throw new InvalidKubeconfigException("the cluster has no server");
        }
        try {
            URI uri = new URI(server);
            if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null) {
                return server;
            }
        } catch (URISyntaxException e) {
            // reported below, with the same message as any other unusable server
        }
        throw new InvalidKubeconfigException("the cluster's server is not an https URL: " + server);
    }

    private static String certificateAuthority(Cluster cluster) throws InvalidKubeconfigException {
        if (Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify())) {
            throw new InvalidKubeconfigException("insecure-skip-tls-verify is set: the server must be verified with a CA");
        }
        String data = cluster.getCertificateAuthorityData();
        if (data == null || data.isBlank()) {
            throw new InvalidKubeconfigException(cluster.getCertificateAuthority() != null
                    ? "the cluster's CA is a file path (certificate-authority): embed it as certificate-authority-data"
                    : "the cluster has no certificate-authority-data");
        }
        try {
            if (CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Base64.getDecoder().decode(data.trim()))).isEmpty()) {
                throw new InvalidKubeconfigException("certificate-authority-data holds no certificate");
            }
        } catch (IllegalArgumentException | CertificateException e) {
            throw new InvalidKubeconfigException("certificate-authority-data is not a base64 PEM certificate");
        }
        return data.trim();
    }

    private static Credentials credentials(AuthInfo user) throws InvalidKubeconfigException {
        String token = blankToNull(user.getToken());
        String cert = blankToNull(user.getClientCertificateData());
        String key = blankToNull(user.getClientKeyData());
        if ((cert == null) != (key == null)) {
            throw new InvalidKubeconfigException("the user has only one of client-certificate-data and client-key-data");
        }
        if (cert != null && !(isBase64(cert) && isBase64(key))) {
            throw new InvalidKubeconfigException("client-certificate-data or client-key-data is not base64");
        }
        if (token == null && cert == null) {
            throw new InvalidKubeconfigException("the user has no credentials: a token, or client-certificate-data"
                    + " and client-key-data, are required (token files, exec plugins and auth providers do not"
                    + " work from another cluster)");
        }
        return new Credentials(token, cert, key);
    }

    private static boolean isBase64(String value) {
        try {
            Base64.getDecoder().decode(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
