package io.d2iq.kubetunnel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.model.RoleJvmOptions;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The controller's shipped Deployment (rendered from the Helm chart) runs with the options RoleJvmOptions decides. */
class DeployedJvmOptionsTest {

    @Test
    void controllerDeploymentCarriesTheControllersJvmOptions() throws IOException {
        Deployment deployment =
                Serialization.unmarshal(Files.readString(Path.of("deploy/deployment.yaml")), Deployment.class);
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getEnv())
                .filteredOn(env -> env.getName().equals(RoleJvmOptions.ENV))
                .extracting(EnvVar::getValue)
                .containsExactly(RoleJvmOptions.of("controller"));
    }
}
