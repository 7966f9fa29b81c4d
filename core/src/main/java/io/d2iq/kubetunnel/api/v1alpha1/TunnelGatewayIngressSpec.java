package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.util.Map;
import java.util.Objects;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class TunnelGatewayIngressSpec {

    @JsonPropertyDescription(
            "Ingress point for the load-balancer. Traffic intended for the service should be sent to these ingress points. If not specified, the controller will derive from the Ingress record status field.")
    private LoadBalancerIngress loadBalancer;

    @JsonPropertyDescription(
            "Restrict access to requests addressed to a specific host or domain using the [`IngressRule` format](https://kubernetes.io/docs/reference/generated/kubernetes-api/v1.19/#ingressrule-v1beta1-networking-k8s-io). Defaults to allow all hosts.")
    private String host;

    @JsonPropertyDescription(
            "URL path prefix to prepend to all endpoints. For example, if this field is set to `/ops/portal/kt`, the ingresses created will have URL paths like `/ops/portal/kt/default/cluster1/tunnel-server` and `/ops/portal/kt/default/cluster1/kubeconfig`. Defaults to root path (`/`).")
    private String urlPathPrefix;

    @JsonPropertyDescription(
            "A secret reference to the root CA required to verify the ingress endpoints. The secret should have type `Opaque` and contain the key `ca.crt`. If not specified, remote hosts will use their system root CA's to verify the endpoints.")
    private ObjectReference caSecretRef;

    @JsonPropertyDescription("Extra annotations to set on the Ingress object.")
    private Map<String, String> extraAnnotations;

    public LoadBalancerIngress getLoadBalancer() {
        return loadBalancer;
    }

    public void setLoadBalancer(LoadBalancerIngress loadBalancer) {
        this.loadBalancer = loadBalancer;
    }

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public String getUrlPathPrefix() {
        return urlPathPrefix;
    }

    public void setUrlPathPrefix(String urlPathPrefix) {
        this.urlPathPrefix = urlPathPrefix;
    }

    public ObjectReference getCaSecretRef() {
        return caSecretRef;
    }

    public void setCaSecretRef(ObjectReference caSecretRef) {
        this.caSecretRef = caSecretRef;
    }

    public Map<String, String> getExtraAnnotations() {
        return extraAnnotations;
    }

    public void setExtraAnnotations(Map<String, String> extraAnnotations) {
        this.extraAnnotations = extraAnnotations;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TunnelGatewayIngressSpec other
                && Objects.equals(loadBalancer, other.loadBalancer)
                && Objects.equals(host, other.host)
                && Objects.equals(urlPathPrefix, other.urlPathPrefix)
                && Objects.equals(caSecretRef, other.caSecretRef)
                && Objects.equals(extraAnnotations, other.extraAnnotations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(loadBalancer, host, urlPathPrefix, caSecretRef, extraAnnotations);
    }
}
