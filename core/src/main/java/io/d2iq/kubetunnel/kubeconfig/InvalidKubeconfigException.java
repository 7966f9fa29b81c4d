package io.d2iq.kubetunnel.kubeconfig;

/** A kubeconfig that cannot be used; the message says why and never quotes a credential. */
public final class InvalidKubeconfigException extends Exception {

    public InvalidKubeconfigException(String message) {
        super(message);
    }
}
