package io.d2iq.kubetunnel.local;

/** The kubectl acceptance list against {@code local-api} over plain HTTP. */
class KubectlOverHttpIT extends KubectlAcceptanceTests {

    @Override
    boolean tls() {
        return false;
    }
}
