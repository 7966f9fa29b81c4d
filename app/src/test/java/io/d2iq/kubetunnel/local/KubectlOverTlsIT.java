package io.d2iq.kubetunnel.local;

/** The kubectl acceptance list against {@code local-api --tls}: kubectl verifies the generated CA from the kubeconfig. */
class KubectlOverTlsIT extends KubectlAcceptanceTests {

    @Override
    boolean tls() {
        return true;
    }
}
