package io.d2iq.kubetunnel.kubeconfig;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which keys each map of a kubeconfig may hold. Everything else is refused, so a field that client-go or
 * fabric8 would act on (see client-go's {@code clientcmd/api/v1/types.go} and {@code loader.go}) can never
 * slip through as "ignored": the known dangerous ones get a reason, unknown ones are refused as unknown.
 */
final class KubeconfigFields {

    static final Set<String> TOP_LEVEL = Set.of(
            "apiVersion", "kind", "preferences", "clusters", "users", "contexts", "current-context", "extensions");
    static final Set<String> NAMED_CLUSTER = Set.of("name", "cluster");
    static final Set<String> NAMED_USER = Set.of("name", "user");
    static final Set<String> NAMED_CONTEXT = Set.of("name", "context");
    /** {@code proxy-url} is read but never trusted: the webhook replaces it and the controller forces its own. */
    static final Set<String> CLUSTER = Set.of(
            "server",
            "certificate-authority-data",
            "tls-server-name",
            "proxy-url",
            "disable-compression",
            "extensions");

    static final Set<String> USER = Set.of("token", "client-certificate-data", "client-key-data", "extensions");
    static final Set<String> CONTEXT = Set.of("cluster", "user", "namespace", "extensions");

    private static final String FILE_PATH = "a file path names a file on the machine that uses the kubeconfig";

    /** Fields that make a client read files, run code, or act as someone else, with why they are refused. */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("certificate-authority", FILE_PATH + "; embed the CA as certificate-authority-data"),
            Map.entry("insecure-skip-tls-verify", "the server must be verified with certificate-authority-data"),
            Map.entry(
                    "exec",
                    "an exec plugin runs a command wherever the kubeconfig is used; embed a token or a client certificate"),
            Map.entry(
                    "auth-provider",
                    "an auth provider runs its own login and refresh logic; embed a token or a client certificate"),
            Map.entry("tokenFile", FILE_PATH + "; embed the token itself"),
            Map.entry("client-certificate", FILE_PATH + "; embed client-certificate-data"),
            Map.entry("client-key", FILE_PATH + "; embed client-key-data"),
            Map.entry("username", "basic authentication is not accepted; use a token or a client certificate"),
            Map.entry("password", "basic authentication is not accepted; use a token or a client certificate"),
            Map.entry("as", "impersonation is not accepted: the kubeconfig acts as its own identity"),
            Map.entry("as-uid", "impersonation is not accepted: the kubeconfig acts as its own identity"),
            Map.entry("as-groups", "impersonation is not accepted: the kubeconfig acts as its own identity"),
            Map.entry("as-user-extra", "impersonation is not accepted: the kubeconfig acts as its own identity"));

    /** A key worth naming in a message: short and plain, so an attacker's key cannot smuggle text into logs. */
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private KubeconfigFields() {}

    /** {@code path.key}, or {@code key} at the top level (empty path). */
    static String field(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Refuses the first key of {@code map} (at {@code path}, e.g. {@code users[0].user}) that is not in {@code allowed}. */
    static void checkKeys(JsonNode map, String path, Set<String> allowed) throws InvalidKubeconfigException {
        for (Iterator<String> keys = map.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (allowed.contains(key)) {
                continue;
            }
            String reason = REFUSED.get(key);
            if (reason != null) {
                throw new InvalidKubeconfigException(field(path, key) + " is not allowed: " + reason);
            }
            throw new InvalidKubeconfigException(
                    PLAIN_KEY.matcher(key).matches()
                            ? field(path, key) + " is not a field kubetunnel accepts"
                            : (path.isEmpty() ? "the kubeconfig" : path) + " holds a field kubetunnel does not accept");
        }
    }
}
