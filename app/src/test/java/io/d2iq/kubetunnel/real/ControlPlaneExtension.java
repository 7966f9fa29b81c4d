package io.d2iq.kubetunnel.real;

import io.d2iq.kubetunnel.local.controlplane.ControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension, this project's envtest: a real control plane (etcd, kube-apiserver, kube-controller-manager, see
 * {@link ControlPlane}) for the test class. Its files and logs stay in {@code target/control-plane/<class>/<name>/}
 * to read when a test fails.
 * <pre>
 * &#64;RegisterExtension
 * static final ControlPlaneExtension MANAGEMENT = new ControlPlaneExtension("management");
 * ... MANAGEMENT.plane().adminClient() ...
 * </pre>
 */
public final class ControlPlaneExtension implements BeforeAllCallback, AfterAllCallback {

    private final String name;
    private ControlPlane plane;

    public ControlPlaneExtension(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dir = Path.of(
                "target", "control-plane", context.getRequiredTestClass().getSimpleName(), name);
        deleteRecursively(dir); // a previous run's etcd data would not match this run's fresh certificates
        plane = ControlPlaneBinaries.start(name, dir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (plane != null) {
            plane.close();
            plane = null;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    /** The running control plane (from the class's first callback to its last). */
    public ControlPlane plane() {
        if (plane == null) {
            throw new IllegalStateException(
                    "control plane " + name + " is not running: register the extension as a static field");
        }
        return plane;
    }
}
