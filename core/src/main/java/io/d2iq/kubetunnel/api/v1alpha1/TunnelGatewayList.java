package io.d2iq.kubetunnel.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;

/** Contains a list of {@code TunnelGateway}. */
@JsonClassDescription("Contains a list of `TunnelGateway`.")
public class TunnelGatewayList extends DefaultKubernetesResourceList<TunnelGateway> {}
