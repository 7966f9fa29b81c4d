package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.Objects;

@JsonClassDescription("Status of the tunnel agent.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TunnelAgentStatus {

    @JsonPropertyDescription(
            "A reference to a secret holding YAML manifests for launching the tunnel agent on the target cluster. The secret is a generic typed secret with filenames as the keys. There might be multiple files in the secret.")
    private LocalObjectReference manifestsRef;

    public LocalObjectReference getManifestsRef() {
        return manifestsRef;
    }

    public void setManifestsRef(LocalObjectReference manifestsRef) {
        this.manifestsRef = manifestsRef;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelAgentStatus other && Objects.equals(manifestsRef, other.manifestsRef);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(manifestsRef);
    }
}
