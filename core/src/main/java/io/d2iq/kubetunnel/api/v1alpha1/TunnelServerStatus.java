package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.Objects;

@JsonClassDescription("Status of the tunnel server.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TunnelServerStatus {

    @JsonPropertyDescription("A reference to the deployment for the tunnel server.")
    private LocalObjectReference deploymentRef;

    @JsonPropertyDescription("A reference to the service for the tunnel server.")
    private LocalObjectReference serviceRef;

    @JsonPropertyDescription("A reference to the ingress for the tunnel server.")
    private LocalObjectReference ingressRef;

    public LocalObjectReference getDeploymentRef() {
        return deploymentRef;
    }

    public void setDeploymentRef(LocalObjectReference deploymentRef) {
        this.deploymentRef = deploymentRef;
    }

    public LocalObjectReference getServiceRef() {
        return serviceRef;
    }

    public void setServiceRef(LocalObjectReference serviceRef) {
        this.serviceRef = serviceRef;
    }

    public LocalObjectReference getIngressRef() {
        return ingressRef;
    }

    public void setIngressRef(LocalObjectReference ingressRef) {
        this.ingressRef = ingressRef;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelServerStatus other
                && Objects.equals(deploymentRef, other.deploymentRef)
                && Objects.equals(serviceRef, other.serviceRef)
                && Objects.equals(ingressRef, other.ingressRef);
    }

    @Override
    public int hashCode() {
        return Objects.hash(deploymentRef, serviceRef, ingressRef);
    }
}
