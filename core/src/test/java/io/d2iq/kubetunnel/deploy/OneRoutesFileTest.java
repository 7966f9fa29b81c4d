package io.d2iq.kubetunnel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The controller's routes are one file, deploy/routes/controller.camel.yaml: kustomize's load restrictor reads
 * only below deploy/ and refuses a symlink that leaves it, so the file lives there; routes/controller.camel.yaml (what
 * the controller and the tests read from the repository) and the Helm chart's files/ are symlinks to it. routes/
 * itself stays a directory: Camel's file pattern does not walk into a directory symlink.
 */
class OneRoutesFileTest {

    private static final Path THE_FILE = Path.of("deploy/routes/controller.camel.yaml");

    @Test
    void theRoutesFileLivesBelowDeployForKustomize() {
        assertThat(Files.isRegularFile(THE_FILE)).isTrue();
        assertThat(Files.isSymbolicLink(THE_FILE))
                .as("kustomize refuses a symlink out of deploy/")
                .isFalse();
    }

    @Test
    void routesAndTheHelmChartNameThatSameFile() throws Exception {
        assertThat(Files.isSymbolicLink(Path.of("routes")))
                .as("a directory Camel's pattern walks")
                .isFalse();
        for (Path alias : new Path[] {
            Path.of("routes/controller.camel.yaml"), Path.of("deploy/helm/kubetunnel/files/controller.camel.yaml")
        }) {
            assertThat(alias.toRealPath()).as(alias.toString()).isEqualTo(THE_FILE.toRealPath());
        }
    }
}
