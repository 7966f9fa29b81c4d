package io.d2iq.kubetunnel.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyBackoffTest {

    @Test
    void delaysDoublePerFailureUpToTheCap() {
        KeyBackoff backoff = new KeyBackoff(500, 3_000);

        assertThat(backoff.nextDelay("a")).isEqualTo(500);
        assertThat(backoff.nextDelay("a")).isEqualTo(1_000);
        assertThat(backoff.nextDelay("a")).isEqualTo(2_000);
        assertThat(backoff.nextDelay("a")).isEqualTo(3_000);
        assertThat(backoff.nextDelay("a")).isEqualTo(3_000);
        for (int i = 0; i < 100; i++) {
            backoff.nextDelay("a");
        }
        assertThat(backoff.nextDelay("a")).isEqualTo(3_000);
    }

    @Test
    void keysBackOffIndependentlyAndSuccessResets() {
        KeyBackoff backoff = new KeyBackoff(100, 60_000);
        backoff.nextDelay("a");
        backoff.nextDelay("a");

        assertThat(backoff.nextDelay("b")).isEqualTo(100);
        backoff.forget("a");
        assertThat(backoff.failures("a")).isZero();
        assertThat(backoff.nextDelay("a")).isEqualTo(100);
    }

    @Test
    void rejectsAnInitialDelayAboveTheCap() {
        assertThatThrownBy(() -> new KeyBackoff(5_000, 1_000)).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> new KeyBackoff(0, 1_000)).hasMessageContaining("initialBackoff");
    }
}
