package io.d2iq.kubetunnel.local;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The kubeconfig text that points kubectl (and fabric8) at the local API. */
final class Kubeconfig {

    static final String NAME = "local-api";

    /** local-api checks no credentials, but kubectl prompts for a user name over HTTPS when it has none. */
    static final String UNCHECKED_TOKEN = "local-api-unchecked";

    private Kubeconfig() {
    }

    /** A kubeconfig for {@code server}; with a CA (PEM) it trusts that CA, without one the server is plain HTTP. */
    static String of(String server, String caPem) {
        String ca = caPem == null ? ""
                : "    certificate-authority-data: " + Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII)) + "\n";
        return "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: " + NAME + "\n"
                + "  cluster:\n"
                + "    server: " + server + "\n"
                + ca
                + "contexts:\n"
                + "- name: " + NAME + "\n"
                + "  context:\n"
                + "    cluster: " + NAME + "\n"
                + "    user: " + NAME + "\n"
                + "    namespace: default\n"
                + "current-context: " + NAME + "\n"
                + "users:\n"
                + "- name: " + NAME + "\n"
                + "  user:\n"
                + "    token: " + UNCHECKED_TOKEN + "\n";
    }
}
