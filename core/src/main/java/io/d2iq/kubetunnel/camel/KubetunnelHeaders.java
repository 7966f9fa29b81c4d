package io.d2iq.kubetunnel.camel;

/** Names of the exchange headers set and read by the {@code informer:} and {@code workqueue:} components. */
public final class KubetunnelHeaders {

    /** What happened to the object: one of {@link InformerEventType}, as a String. */
    public static final String EVENT_TYPE = "KubetunnelEventType";
    /** Namespace of the object; absent for cluster-scoped kinds. */
    public static final String NAMESPACE = "KubetunnelNamespace";
    /** Name of the object. */
    public static final String NAME = "KubetunnelName";
    /** Kind of the object, as given in the informer URI. */
    public static final String KIND = "KubetunnelKind";
    /** The work-queue key being processed (also the body). */
    public static final String KEY = "KubetunnelKey";

    private KubetunnelHeaders() {}
}
