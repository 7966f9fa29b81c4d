package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

@JsonClassDescription("If no ingress is set, the services will only be accessible on `localhost`.")
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TunnelGatewaySpec {

    @JsonPropertyDescription("Expose services using an Ingress as specified in the `TunnelGatewayIngressSpec`.")
    private TunnelGatewayIngressSpec ingress;

    public TunnelGatewayIngressSpec getIngress() {
        return ingress;
    }

    public void setIngress(TunnelGatewayIngressSpec ingress) {
        this.ingress = ingress;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelGatewaySpec other && Objects.equals(ingress, other.ingress);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(ingress);
    }
}
