package io.d2iq.kubetunnel.reconcile;

/** What one apply did to one object. */
public enum ApplyResult {
    /** The object already matched: nothing was written. */
    NOOP,
    /** The object did not exist and was created. */
    CREATED,
    /** The object differed and was updated. */
    UPDATED,
    /** The object was not wanted and was deleted. */
    DELETED;

    /** Whether the API server was written to. */
    public boolean wrote() {
        return this != NOOP;
    }
}
