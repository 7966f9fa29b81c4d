package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TunnelConnectorSpec {

    /** Proxy port used when {@code proxyPort} is unset (public samples omit it). */
    public static final int DEFAULT_PROXY_PORT = 1080;

    @JsonPropertyDescription(
            "A reference to the `TunnelGateway` object which describes how tunnel services will be exposed outside the current cluster.")
    private LocalObjectReference gatewayRef;

    @JsonPropertyDescription("The port for the tunnel proxy.")
    @Min(1)
    @Max(65535)
    private Integer proxyPort;

    public LocalObjectReference getGatewayRef() {
        return gatewayRef;
    }

    public void setGatewayRef(LocalObjectReference gatewayRef) {
        this.gatewayRef = gatewayRef;
    }

    public Integer getProxyPort() {
        return proxyPort;
    }

    public void setProxyPort(Integer proxyPort) {
        this.proxyPort = proxyPort;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelConnectorSpec other
                && Objects.equals(gatewayRef, other.gatewayRef)
                && Objects.equals(proxyPort, other.proxyPort);
    }

    @Override
    public int hashCode() {
        return Objects.hash(gatewayRef, proxyPort);
    }
}
