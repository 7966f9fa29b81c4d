package io.d2iq.kubetunnel.kubeconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an attacker who can write a kubeconfig tries: one field added to an otherwise valid kubeconfig's
 * cluster or user, which a loader like client-go's or fabric8's would act on. Shared by the parser test, the
 * webhook IT and the controller ITs, so all refuse the same list.
 *
 * @param entry {@code cluster} or {@code user}: where the field goes
 * @param key the field
 * @param value its YAML value
 */
public record HostileKubeconfig(String entry, String key, Object value) {

    private static final YAMLMapper YAML = new YAMLMapper();

    /** Every dangerous field; the exec plugin's command would create {@code marker} (and print a valid ExecCredential). */
    public static List<HostileKubeconfig> all(Path marker) {
        return List.of(
                exec(marker),
                user(
                        "auth-provider",
                        Map.of(
                                "name",
                                "oidc",
                                "config",
                                Map.of(
                                        "idp-issuer-url",
                                        "https://attacker.example",
                                        "client-id",
                                        "kubetunnel",
                                        "id-token",
                                        "x",
                                        "refresh-token",
                                        "y"))),
                user("tokenFile", "/var/run/secrets/kubernetes.io/serviceaccount/token"),
                user("client-certificate", "/etc/kubernetes/pki/admin.crt"),
                user("client-key", "/etc/kubernetes/pki/admin.key"),
                user("username", "admin"),
                user("password", "hunter2"),
                user("as", "system:admin"),
                user("as-uid", "0"),
                user("as-groups", List.of("system:masters")),
                user("as-user-extra", Map.of("scopes", List.of("all"))),
                user("unknown-plugin", "anything"),
                cluster("certificate-authority", "/etc/kubernetes/pki/ca.crt"),
                cluster("insecure-skip-tls-verify", true),
                cluster("unknown-transport", "anything"));
    }

    /** The four the issue names: exec, auth-provider, a certificate-authority path, insecure-skip-tls-verify. */
    public static List<HostileKubeconfig> named(Path marker) {
        return all(marker).stream()
                .filter(k -> List.of("exec", "auth-provider", "certificate-authority", "insecure-skip-tls-verify")
                        .contains(k.key()))
                .toList();
    }

    /** An exec plugin whose command creates {@code marker}, then prints a credential so a client would carry on. */
    public static HostileKubeconfig exec(Path marker) {
        String credential = "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
                + "\"status\":{\"token\":\"exec-token\"}}";
        return user(
                "exec",
                Map.of(
                        "apiVersion",
                        "client.authentication.k8s.io/v1",
                        "command",
                        "sh",
                        "args",
                        List.of("-c", "id > '" + marker + "'; echo '" + credential + "'"),
                        "interactiveMode",
                        "Never"));
    }

    private static HostileKubeconfig user(String key, Object value) {
        return new HostileKubeconfig("user", key, value);
    }

    private static HostileKubeconfig cluster(String key, Object value) {
        return new HostileKubeconfig("cluster", key, value);
    }

    /** The path the parser must name: {@code users[0].user.exec}, {@code clusters[0].cluster.certificate-authority}. */
    public String field() {
        return entry + "s[0]." + entry + "." + key;
    }

    /** {@code validYaml} with this field added. */
    public String applyTo(String validYaml) {
        try {
            JsonNode root = YAML.readTree(validYaml);
            ((ObjectNode) root.path(entry + "s").path(0).path(entry)).set(key, YAML.valueToTree(value));
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return field();
    }
}
