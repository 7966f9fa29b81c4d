package io.d2iq.kubetunnel.camel;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** One informer exchange as a test sees it. */
record RecordedEvent(String type, String kind, String namespace, String name, GenericKubernetesResource body) {

    static RecordedEvent of(Exchange exchange) {
        Message message = exchange.getMessage();
        return new RecordedEvent(
                message.getHeader(KubetunnelHeaders.EVENT_TYPE, String.class),
                message.getHeader(KubetunnelHeaders.KIND, String.class),
                message.getHeader(KubetunnelHeaders.NAMESPACE, String.class),
                message.getHeader(KubetunnelHeaders.NAME, String.class),
                message.getBody(GenericKubernetesResource.class));
    }

    /** "TYPE namespace/name", what most assertions compare. */
    String summary() {
        return type + " " + namespace + "/" + name;
    }
}
