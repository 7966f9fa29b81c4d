package io.d2iq.kubetunnel.camel;

/** The value of the {@link KubetunnelHeaders#EVENT_TYPE} header of an informer exchange. */
public enum InformerEventType {
    /** The object appeared (first list, or a watch ADDED event). */
    ADDED,
    /** The object changed: its resourceVersion differs from the cached one. */
    MODIFIED,
    /** The object went away; the body is its last known state. */
    DELETED,
    /** The periodic resync replayed the cached object unchanged. */
    RESYNC
}
