package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorSpec;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGateway;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelGatewayIngressSpec;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the first reason a connector, its gateway and the gateway's CA Secret cannot work, the way
 * a human would fix them: one problem at a time, naming the field and the fix.
 */
public final class ConnectorSpecValidator {

    /** Longest child name usable as a Service name (an RFC 1123 label). */
    static final int MAX_SERVICE_NAME_LENGTH = 63;

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
    private static final Pattern URL_PATH = Pattern.compile("^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$");

    private ConnectorSpecValidator() {}

    /** The first problem of these inputs, or empty when they can be reconciled. */
    public static Optional<SpecProblem> firstProblem(ConnectorInputs inputs) {
        TunnelConnector connector = inputs.connector();
        String name = connector.getMetadata().getName();
        if (ConnectorResources.kubeconfigWebhookName(name).length() > MAX_SERVICE_NAME_LENGTH) {
            return problem(
                    "NameTooLong",
                    "metadata.name",
                    "the connector name '" + name + "' is too long for its Service names: use at most "
                            + (MAX_SERVICE_NAME_LENGTH
                                    - ConnectorResources.kubeconfigWebhookName("")
                                            .length()) + " characters");
        }
        TunnelConnectorSpec spec = connector.getSpec();
        if (spec == null
                || spec.getGatewayRef() == null
                || isBlank(spec.getGatewayRef().getName())) {
            return problem(
                    "GatewayRefMissing",
                    "spec.gatewayRef.name",
                    "set spec.gatewayRef.name to the name of a TunnelGateway in namespace "
                            + connector.getMetadata().getNamespace());
        }
        int proxyPort = inputs.proxyPort();
        if (proxyPort < 1 || proxyPort > 65535) {
            return problem(
                    "ProxyPortInvalid",
                    "spec.proxyPort",
                    "spec.proxyPort " + proxyPort + " is outside 1..65535: choose a port in that range");
        }
        if (proxyPort == ConnectorResources.TUNNEL_PORT) {
            return problem(
                    "ProxyPortConflict",
                    "spec.proxyPort",
                    "spec.proxyPort " + proxyPort + " is the tunnel server's own port: choose another, e.g. "
                            + TunnelConnectorSpec.DEFAULT_PROXY_PORT);
        }
        if (proxyPort == ManagementPort.PORT) {
            return problem(
                    "ProxyPortConflict",
                    "spec.proxyPort",
                    "spec.proxyPort " + proxyPort + " is the tunnel server's management port: choose another, e.g. "
                            + TunnelConnectorSpec.DEFAULT_PROXY_PORT);
        }
        TunnelGateway gateway = inputs.gateway();
        if (gateway == null) {
            return problem(
                    "GatewayNotFound",
                    "spec.gatewayRef.name",
                    "TunnelGateway '" + spec.getGatewayRef().getName() + "' does not exist in namespace "
                            + connector.getMetadata().getNamespace() + ": create it or fix spec.gatewayRef.name");
        }
        return ingressProblem(inputs);
    }

    private static Optional<SpecProblem> ingressProblem(ConnectorInputs inputs) {
        TunnelGatewayIngressSpec ingress = inputs.ingressSpec();
        if (ingress == null) {
            return Optional.empty();
        }
        String gatewayName = inputs.gateway().getMetadata().getName();
        if (ingress.getHost() != null
                && !DNS_SUBDOMAIN.matcher(ingress.getHost()).matches()) {
            return problem(
                    "IngressHostInvalid",
                    "spec.ingress.host",
                    "TunnelGateway '" + gatewayName + "' spec.ingress.host '" + ingress.getHost()
                            + "' is not a lower-case DNS name (a leading '*.' is allowed): fix or remove it");
        }
        String prefix = ingress.getUrlPathPrefix();
        if (prefix != null && !prefix.isEmpty() && (!URL_PATH.matcher(prefix).matches() || prefix.contains("//"))) {
            return problem(
                    "UrlPathPrefixInvalid",
                    "spec.ingress.urlPathPrefix",
                    "TunnelGateway '" + gatewayName + "' spec.ingress.urlPathPrefix '" + prefix
                            + "' must be an absolute URL path such as /ops/kubetunnel: fix or remove it");
        }
        if (ingress.getCaSecretRef() != null) {
            if (isBlank(ingress.getCaSecretRef().getName())) {
                return problem(
                        "CaSecretInvalid",
                        "spec.ingress.caSecretRef.name",
                        "TunnelGateway '" + gatewayName
                                + "' spec.ingress.caSecretRef has no name: name an Opaque Secret with key ca.crt, or remove caSecretRef");
            }
            if (isBlank(inputs.caCertificate())) {
                return problem(
                        "CaSecretInvalid",
                        "spec.ingress.caSecretRef",
                        "TunnelGateway '" + gatewayName + "' spec.ingress.caSecretRef names Secret '"
                                + ingress.getCaSecretRef().getName()
                                + "', which does not exist or has no key ca.crt: create it with the CA in ca.crt");
            }
        }
        return Optional.empty();
    }

    private static Optional<SpecProblem> problem(String reason, String field, String message) {
        return Optional.of(new SpecProblem(reason, field, message));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
