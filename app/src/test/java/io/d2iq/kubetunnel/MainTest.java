package io.d2iq.kubetunnel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    @Test
    void noRoleIsAUsageError() {
        assertThat(Main.execute()).isEqualTo(2);
    }

    @Test
    void unknownRoleIsAUsageError() {
        assertThat(Main.execute("no-such-role")).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "controller",
                "tunnel-server",
                "kubeconfig-webhook",
                "agent",
                "register",
                "local-api",
                "demo",
                "kubeconfig"
            })
    void everyRoleHasHelp(String role) {
        assertThat(Main.execute(role, "--help")).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "controller",
                "tunnel-server",
                "kubeconfig-webhook",
                "agent",
                "register",
                "local-api",
                "demo",
                "kubeconfig"
            })
    void everyRoleRejectsAnUnknownFlag(String role) {
        assertThat(Main.execute(role, "--no-such-flag")).isEqualTo(2);
    }
}
