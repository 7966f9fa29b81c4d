package io.d2iq.kubetunnel.demo;

/** A demo step that did not work; its message is the one line the user sees. */
final class DemoStepFailed extends RuntimeException {

    DemoStepFailed(String message) {
        super(message);
    }
}
