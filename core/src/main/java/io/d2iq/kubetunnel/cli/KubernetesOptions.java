package io.d2iq.kubetunnel.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --kubeconfig FILE} option shared by every role that talks to Kubernetes.
 * Without it, fabric8's auto-configuration applies: {@code $KUBECONFIG}, then {@code ~/.kube/config},
 * then the in-cluster service account.
 */
public final class KubernetesOptions {

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "Kubeconfig file (default: $KUBECONFIG, then the in-cluster service account).")
    Path kubeconfig;

    /** The client configuration these options select. */
    public Config config() {
        if (kubeconfig == null) {
            return Config.autoConfigure(null);
        }
        try {
            return Config.fromKubeconfig(Files.readString(kubeconfig));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kubeconfig " + kubeconfig, e);
        }
    }

    /** A new client for the selected cluster; the caller closes it. */
    public KubernetesClient newClient() {
        return new KubernetesClientBuilder().withConfig(config()).build();
    }
}
