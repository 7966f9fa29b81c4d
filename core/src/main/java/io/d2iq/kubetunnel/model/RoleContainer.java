package io.d2iq.kubetunnel.model;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import java.util.List;

/**
 * What every per-connector role's pod shares, in the management cluster ({@link ComponentWorkload}) and on the
 * remote one ({@link AgentManifests}): the image run non-root with a read-only root filesystem and a writable
 * {@code /tmp}, the role's memory request and limit, and its {@link RoleJvmOptions}.
 */
final class RoleContainer {

    /** Non-root user of the image (distroless "nonroot"). */
    static final long NON_ROOT_UID = 65532L;

    private static final String TMP_VOLUME = "tmp";

    private RoleContainer() {}

    /**
     * A container running {@code args} (the role first) of {@code image}; callers add ports, probes and mounts.
     */
    static ContainerBuilder container(String name, String image, List<String> args) {
        return new ContainerBuilder()
                .withName(name)
                .withImage(image)
                .withArgs(args)
                .withEnv(RoleJvmOptions.env(args.get(0)))
                .withNewResources()
                .addToRequests("cpu", new Quantity("50m"))
                .addToRequests("memory", new Quantity("128Mi"))
                .addToLimits("memory", new Quantity("256Mi"))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withNewCapabilities()
                .withDrop("ALL")
                .endCapabilities()
                .endSecurityContext()
                .addNewVolumeMount()
                .withName(TMP_VOLUME)
                .withMountPath("/tmp")
                .endVolumeMount();
    }

    /** Non-root with the runtime's default seccomp profile. */
    static PodSecurityContext podSecurityContext() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(NON_ROOT_UID)
                .withNewSeccompProfile()
                .withType("RuntimeDefault")
                .endSeccompProfile()
                .build();
    }

    /** The emptyDir behind {@code /tmp}. */
    static Volume tmpVolume() {
        return new VolumeBuilder()
                .withName(TMP_VOLUME)
                .withNewEmptyDir()
                .endEmptyDir()
                .build();
    }
}
