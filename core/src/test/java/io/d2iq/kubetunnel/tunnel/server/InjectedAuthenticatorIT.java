package io.d2iq.kubetunnel.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.auth.Authenticator;
import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.tunnel.support.RawHttp;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The tunnel server accepts an agent's upgrade on its authenticator's word alone (no token file involved). */
class InjectedAuthenticatorIT {

    @Test
    void theServerAcceptsWhatTheAuthenticatorItWasGivenAccepts() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        Authenticator onePassword = header -> {
            asked.add(header);
            return "Bearer let-me-in".equals(header);
        };
        int port = TunnelFixture.freePort();
        try (TunnelServer server = new TunnelServer(
                new TunnelServerSettings(
                        "127.0.0.1", port, 0, null, null, TunnelFixture.FAST_KEEP_ALIVE, ConnectionLimits.DEFAULT),
                onePassword,
                0)) {
            server.start();

            assertThat(RawHttp.exchange(null, port, RawHttp.upgrade("/tunnel", "Bearer " + TunnelFixture.TOKEN)))
                    .startsWith("HTTP/1.1 401");
            assertThat(RawHttp.exchange(null, port, RawHttp.upgrade("/tunnel", "Bearer let-me-in")))
                    .startsWith("HTTP/1.1 101");
            assertThat(asked).containsExactly("Bearer " + TunnelFixture.TOKEN, "Bearer let-me-in");
        }
    }
}
