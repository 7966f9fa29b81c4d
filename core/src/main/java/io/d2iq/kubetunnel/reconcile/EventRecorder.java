package io.d2iq.kubetunnel.reconcile;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnectorState;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Records a Kubernetes Event on a connector for every state transition ({@code kubectl describe} shows them). */
public final class EventRecorder {

    /** The Event source component. */
    public static final String COMPONENT = "kubetunnel-controller";

    private final KubernetesClient client;
    private final Clock clock;

    public EventRecorder(KubernetesClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** Records {@code previous -> decision.state()}; Failed and Disconnected are warnings. */
    public void stateChanged(TunnelConnector connector, TunnelConnectorState previous, StateDecision decision) {
        String now = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        boolean warning = decision.state() == TunnelConnectorState.Failed
                || decision.state() == TunnelConnectorState.Disconnected;
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(connector.getMetadata().getNamespace())
                .withName(connector.getMetadata().getName() + "." + Long.toHexString(clock.millis())
                        + Long.toHexString(System.nanoTime() & 0xfff))
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion(connector.getApiVersion())
                .withKind(connector.getKind())
                .withNamespace(connector.getMetadata().getNamespace())
                .withName(connector.getMetadata().getName())
                .withUid(connector.getMetadata().getUid())
                .withResourceVersion(connector.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withType(warning ? "Warning" : "Normal")
                .withReason(decision.state().name())
                .withMessage((previous == null ? "" : previous + " -> ") + decision.state() + ": " + decision.message())
                .withNewSource()
                .withComponent(COMPONENT)
                .endSource()
                .withReportingComponent(COMPONENT)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        client.v1()
                .events()
                .inNamespace(connector.getMetadata().getNamespace())
                .resource(event)
                .create();
    }
}
