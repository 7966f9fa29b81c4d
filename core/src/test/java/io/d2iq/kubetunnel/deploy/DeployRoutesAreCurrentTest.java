package io.d2iq.kubetunnel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** kustomize reads only below deploy/, so the routes ConfigMap is generated from a copy that must not drift. */
class DeployRoutesAreCurrentTest {

    @Test
    void theRoutesTheClusterGetsAreTheShippedRoutes() throws Exception {
        assertThat(Files.readString(Path.of("deploy/routes/controller.camel.yaml")))
                .as("deploy/routes/controller.camel.yaml is stale: cp routes/controller.camel.yaml deploy/routes/")
                .isEqualTo(Files.readString(Path.of("routes/controller.camel.yaml")));
    }
}
