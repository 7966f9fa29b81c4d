package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** Provides an endpoint for remote clusters to connect to the management cluster. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("TunnelGateway")
@Singular("tunnelgateway")
@Plural("tunnelgateways")
@ShortNames("tgw")
@Categories("kubetunnel")
@AdditionalPrinterColumn(name = "Host", jsonPath = ".spec.ingress.host", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Prefix",
        jsonPath = ".spec.ingress.urlPathPrefix",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// No status type in the reference, so no status in the schema and no status subresource (docs/api-decisions.md)
@JsonIgnoreProperties("status")
@JsonClassDescription("Provides an endpoint for remote clusters to connect to the management cluster.")
public class TunnelGateway extends CustomResource<TunnelGatewaySpec, Void> implements Namespaced {}
