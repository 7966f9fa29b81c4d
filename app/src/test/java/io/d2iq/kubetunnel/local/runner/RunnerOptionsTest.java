package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RunnerOptionsTest {

    @Test
    void aRelativeClassPathSuchAsJavaDashJarTargetIsMadeAbsolute() {
        String absolute =
                RunnerOptions.absoluteClassPath("target/kubetunnel.jar" + File.pathSeparator + "/opt/lib.jar");
        assertThat(absolute.split(File.pathSeparator))
                .containsExactly(
                        Path.of("target/kubetunnel.jar").toAbsolutePath().toString(), "/opt/lib.jar");
    }
}
