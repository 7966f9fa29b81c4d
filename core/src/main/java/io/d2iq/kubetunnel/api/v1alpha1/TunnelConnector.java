package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
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

/** Describes the local endpoint for the tunnel; a remote cluster connects to it to create a tunnel. */
@Group(ApiGroup.GROUP)
@Version(ApiGroup.VERSION)
@Kind("TunnelConnector")
@Singular("tunnelconnector")
@Plural("tunnelconnectors")
@ShortNames("tc")
@Categories("kubetunnel")
// Declared in the order kubectl prints them (PrinterColumnOrder keeps it in the generated CRD)
@AdditionalPrinterColumn(
        name = "Gateway",
        jsonPath = ".spec.gatewayRef.name",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "State", jsonPath = ".status.state", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
// -o wide: why the connector is in its state, and what to do next (the Ready condition)
@AdditionalPrinterColumn(
        name = "Reason",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Message",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].message",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@JsonClassDescription(
        "Describes the local endpoint for the tunnel. A remote cluster will connect to this endpoint to create a tunnel.")
public class TunnelConnector extends CustomResource<TunnelConnectorSpec, TunnelConnectorStatus> implements Namespaced {}
