package io.d2iq.kubetunnel.tunnel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.proxyenv.ProxyEnvironment;
import io.d2iq.kubetunnel.tunnel.frame.Target;
import io.d2iq.kubetunnel.tunnel.support.Socks5Client;
import io.d2iq.kubetunnel.tunnel.support.TunnelFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent opens a stream's target through the dialer it was given, and its answer reaches the proxy client. */
class InjectedDialerIT {

    @TempDir
    Path dir;

    @Test
    void anAllowedTargetGoesToTheInjectedDialerWhoseRefusalTheClientSees() throws Exception {
        List<Target> dialed = new CopyOnWriteArrayList<>();
        Dialer refusing = (target, loop, done) -> {
            dialed.add(target);
            loop.execute(() -> done.accept(null, new ConnectException("Connection refused")));
        };
        try (TunnelFixture tunnel = new TunnelFixture(dir, false)) {
            tunnel.startServer();
            try (TunnelAgent agent = new TunnelAgent(
                    new AgentSettings(
                            tunnel.serverUri("/tunnel"),
                            tunnel.write("agent-token", TunnelFixture.TOKEN),
                            null,
                            AllowList.parse(List.of("kubernetes.default.svc:443")),
                            ProxyEnvironment.from(Map.of()),
                            TunnelFixture.FAST_KEEP_ALIVE,
                            Duration.ofMillis(500)),
                    new SimpleMeterRegistry(),
                    refusing)) {
                agent.start();
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> agent.isConnected() && tunnel.server().agentConnected());

                Socks5Client.Refused refused = catchThrowableOfType(
                        Socks5Client.Refused.class,
                        () -> Socks5Client.connect(tunnel.proxy(), "kubernetes.default.svc", 443));

                assertThat(refused.reply()).isEqualTo(0x05); // connection refused
                assertThat(dialed).containsExactly(new Target("kubernetes.default.svc", 443));
            }
        }
    }
}
