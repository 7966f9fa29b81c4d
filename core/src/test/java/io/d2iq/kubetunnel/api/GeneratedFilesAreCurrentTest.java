package io.d2iq.kubetunnel.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.doc.ApiReference;
import io.d2iq.kubetunnel.api.doc.ApiReferenceMarkdown;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The committed generated files (deploy/crds, docs/api.md) are what the classes generate today. */
class GeneratedFilesAreCurrentTest {

    private static final String REFRESH =
            "Refresh the committed copies with: ./mvnw -q -B process-classes -Pregenerate";
    private static final Path COMMITTED_CRDS = Path.of("deploy/crds");
    private static final Path COMMITTED_API_REFERENCE = Path.of("docs/api.md");

    @Test
    void committedCrdsAreTheOnesGeneratedFromTheClasses() throws Exception {
        Path generated = generatedCrdDirectory();

        assertThat(fileNames(COMMITTED_CRDS))
                .as("CRD files in %s versus those generated in %s. %s", COMMITTED_CRDS, generated, REFRESH)
                .containsExactlyElementsOf(fileNames(generated));
        for (String name : fileNames(generated)) {
            assertThat(Files.readString(COMMITTED_CRDS.resolve(name)))
                    .as("%s is stale. %s", COMMITTED_CRDS.resolve(name), REFRESH)
                    .isEqualTo(Files.readString(generated.resolve(name)));
        }
    }

    @Test
    void committedApiReferenceIsTheOneRenderedFromTheClasses() throws IOException {
        assertThat(Files.readString(COMMITTED_API_REFERENCE))
                .as("%s is stale. %s", COMMITTED_API_REFERENCE, REFRESH)
                .isEqualTo(ApiReferenceMarkdown.render(new ApiReference().types()));
    }

    /** Where crd-generator-maven-plugin wrote the CRDs of this build (process-classes, before tests). */
    private static Path generatedCrdDirectory() throws URISyntaxException {
        URL directory = GeneratedFilesAreCurrentTest.class.getClassLoader().getResource("META-INF/fabric8");
        assertThat(directory)
                .as("no generated CRDs on the classpath: build with Maven (process-classes)")
                .isNotNull();
        return Path.of(directory.toURI());
    }

    private static List<String> fileNames(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yml"))
                    .sorted()
                    .toList();
        }
    }
}
