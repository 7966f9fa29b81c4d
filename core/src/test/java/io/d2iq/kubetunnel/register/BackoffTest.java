package io.d2iq.kubetunnel.register;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    @RepeatedTest(20)
    void waitsDoubleWithJitterAndStopAtTheMaximum() {
        assertThat(backoff.delay(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
        assertThat(backoff.delay(3)).isBetween(Duration.ofSeconds(4), Duration.ofSeconds(8));
        assertThat(backoff.delay(10)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
        assertThat(backoff.delay(100)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    @RepeatedTest(20)
    void theAgentsShortCeilingDoublesUpToItsCap() {
        Backoff agent = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(2));
        long ceiling = 250;
        for (int retry = 0; retry < 12; retry++) {
            assertThat(agent.delay(retry).toMillis()).isBetween(ceiling / 2, ceiling);
            ceiling = Math.min(2_000, ceiling * 2);
        }
    }
}
