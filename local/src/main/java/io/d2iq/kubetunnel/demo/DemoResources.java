package io.d2iq.kubetunnel.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The files the demo applies, taken from the JAR so the demo runs from anywhere: the generated CRDs,
 * the samples and the controller's routes (copies of deploy/crds, deploy/samples and routes/).
 */
final class DemoResources {

    static final List<String> CRDS = List.of(
            "META-INF/fabric8/tunnelgateways.kubetunnel.d2iq.io-v1.yml",
            "META-INF/fabric8/tunnelconnectors.kubetunnel.d2iq.io-v1.yml");
    static final List<String> SAMPLES = List.of(
            "kubetunnel/samples/ca-secret.yaml",
            "kubetunnel/samples/tunnelgateway.yaml",
            "kubetunnel/samples/tunnelconnector.yaml");
    static final String ROUTES = "kubetunnel/routes/controller.camel.yaml";

    private DemoResources() {}

    /** The text of a resource packaged in the JAR. */
    static String read(String resource) {
        try (InputStream in = DemoResources.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new DemoStepFailed(
                        "resource " + resource + " is missing from the JAR: rebuild with ./mvnw package");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies resources into {@code dir} under their file names and returns {@code dir}. */
    static Path copy(List<String> resources, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String resource : resources) {
            Files.writeString(dir.resolve(Path.of(resource).getFileName().toString()), read(resource));
        }
        return dir;
    }
}
