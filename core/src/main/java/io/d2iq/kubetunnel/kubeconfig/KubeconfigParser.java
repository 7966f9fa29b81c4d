package io.d2iq.kubetunnel.kubeconfig;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Set;

/**
 * The one reader of kubeconfigs that come from another cluster: turns one into a {@link Kubeconfig}, or says
 * in one sentence why it is refused. A kubeconfig is data, never code, so only what reaches one API server is
 * accepted: exactly one cluster, user and context, the current context naming them, an https server, an
 * embedded CA, an optional TLS server name, and embedded credentials (a token, or a client certificate and
 * key). Everything that makes a client read files, run plugins, skip verification or act as someone else is
 * refused with the field's path ({@code users[0].user.exec is not allowed: ...}), and so is any key this
 * parser does not know ({@link KubeconfigFields}).
 *
 * <p>It reads the raw YAML tree rather than fabric8's model, which drops keys it does not map and would hide
 * them. Messages never quote a value of the input, which may hold credentials: they name fields by path,
 * and parse errors give only a line and column.
 */
public final class KubeconfigParser {

    /** Duplicate keys are refused: two readers that pick different copies would see different kubeconfigs. */
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** An entry of {@code clusters}, {@code users} or {@code contexts}: its name and its body at {@code path}. */
    private record Entry(String name, JsonNode body, String path) {

        String text(String key) throws InvalidKubeconfigException {
            return KubeconfigParser.text(body, path, key);
        }
    }

    private KubeconfigParser() {}

    public static Kubeconfig parse(String yaml) throws InvalidKubeconfigException {
        if (yaml == null || yaml.isBlank()) {
            throw new InvalidKubeconfigException("the body is empty: a kubeconfig is required");
        }
        JsonNode root = read(yaml);
        KubeconfigFields.checkKeys(root, "", KubeconfigFields.TOP_LEVEL);
        String kind = text(root, "", "kind");
        if (kind != null && !"Config".equals(kind)) {
            throw new InvalidKubeconfigException("kind is not Config: a kubeconfig has kind Config");
        }
        Entry cluster = single(root, "clusters", "cluster", KubeconfigFields.CLUSTER);
        Entry user = single(root, "users", "user", KubeconfigFields.USER);
        Entry context = single(root, "contexts", "context", KubeconfigFields.CONTEXT);
        checkContext(text(root, "", "current-context"), context, cluster, user);
        return new Kubeconfig(
                cluster.name(),
                httpsServer(cluster),
                certificateAuthority(cluster),
                cluster.text("tls-server-name"),
                cluster.text("proxy-url"),
                user.name(),
                credentials(user),
                context.name(),
                null);
    }

    private static JsonNode read(String yaml) throws InvalidKubeconfigException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new InvalidKubeconfigException("the body is not a YAML kubeconfig"
                    + (isDuplicateKey(e) ? ": a key appears twice" : "") + location(e));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidKubeconfigException("the body is not a YAML kubeconfig");
        }
        return root;
    }

    private static boolean isDuplicateKey(Exception e) {
        return e instanceof JsonProcessingException jpe
                && jpe.getOriginalMessage() != null
                && jpe.getOriginalMessage().startsWith("Duplicate field");
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

    /** The one entry of list {@code list}, whose body (key {@code bodyKey}) may hold only {@code bodyFields}. */
    private static Entry single(JsonNode root, String list, String bodyKey, Set<String> bodyFields)
            throws InvalidKubeconfigException {
        JsonNode entries = root.get(list);
        if (entries != null && !entries.isNull() && !entries.isArray()) {
            throw new InvalidKubeconfigException(list + " is not a list");
        }
        int count = entries == null || entries.isNull() ? 0 : entries.size();
        if (count != 1) {
            throw new InvalidKubeconfigException(
                    "the kubeconfig has " + count + " " + list + ": exactly one is required");
        }
        String at = list + "[0]";
        JsonNode entry = entries.get(0);
        if (!entry.isObject()) {
            throw new InvalidKubeconfigException(at + " is empty or not a map");
        }
        KubeconfigFields.checkKeys(entry, at, Set.of("name", bodyKey));
        String name = text(entry, at, "name");
        if (name == null) {
            throw new InvalidKubeconfigException(at + ".name is not set");
        }
        String path = at + "." + bodyKey;
        JsonNode body = entry.get(bodyKey);
        if (body == null || !body.isObject()) {
            throw new InvalidKubeconfigException(path + " is empty or not a map");
        }
        KubeconfigFields.checkKeys(body, path, bodyFields);
        return new Entry(name, body, path);
    }

    /** The string at {@code key} of {@code map}, trimmed; null when absent or blank. */
    private static String text(JsonNode map, String path, String key) throws InvalidKubeconfigException {
        JsonNode value = map.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidKubeconfigException(KubeconfigFields.field(path, key) + " is not a string");
        }
        return value.asText().isBlank() ? null : value.asText().trim();
    }

    private static void checkContext(String currentContext, Entry context, Entry cluster, Entry user)
            throws InvalidKubeconfigException {
        if (currentContext == null) {
            throw new InvalidKubeconfigException("current-context is not set");
        }
        if (!currentContext.equals(context.name())) {
            throw new InvalidKubeconfigException("current-context does not name the context (contexts[0].name)");
        }
        if (!cluster.name().equals(context.text("cluster"))) {
            throw new InvalidKubeconfigException(
                    context.path() + ".cluster does not name the cluster (clusters[0].name)");
        }
        if (!user.name().equals(context.text("user"))) {
            throw new InvalidKubeconfigException(context.path() + ".user does not name the user (users[0].name)");
        }
    }

    private static String httpsServer(Entry cluster) throws InvalidKubeconfigException {
        String server = cluster.text("server");
        if (server == null) {
            throw new InvalidKubeconfigException(cluster.path() + ".server is not set");
        }
        try {
            URI uri = new URI(server);
            if ("https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getUserInfo() == null) {
                return server;
            }
        } catch (URISyntaxException e) {
            // reported below, with the same message as any other unusable server
        }
        throw new InvalidKubeconfigException(
                cluster.path() + ".server is not an https:// URL with a host (and no user info)");
    }

    private static String certificateAuthority(Entry cluster) throws InvalidKubeconfigException {
        String field = cluster.path() + ".certificate-authority-data";
        String data = cluster.text("certificate-authority-data");
        if (data == null) {
            throw new InvalidKubeconfigException(
                    field + " is not set: the server must be verified with an embedded CA");
        }
        try {
            if (CertificateFactory.getInstance("X.509")
                    .generateCertificates(
                            new ByteArrayInputStream(Base64.getDecoder().decode(data)))
                    .isEmpty()) {
                throw new InvalidKubeconfigException(field + " holds no certificate");
            }
        } catch (IllegalArgumentException | CertificateException e) {
            throw new InvalidKubeconfigException(field + " is not a base64 PEM certificate");
        }
        return data;
    }

    private static Credentials credentials(Entry user) throws InvalidKubeconfigException {
        String token = user.text("token");
        String cert = user.text("client-certificate-data");
        String key = user.text("client-key-data");
        if ((cert == null) != (key == null)) {
            throw new InvalidKubeconfigException(
                    user.path() + " has only one of client-certificate-data and client-key-data");
        }
        if (cert != null && !(isBase64(cert) && isBase64(key))) {
            throw new InvalidKubeconfigException(
                    user.path() + ".client-certificate-data or client-key-data is not base64");
        }
        if (token == null && cert == null) {
            throw new InvalidKubeconfigException(
                    user.path() + " has no credentials: a token, or client-certificate-data"
                            + " and client-key-data, are required");
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
}
