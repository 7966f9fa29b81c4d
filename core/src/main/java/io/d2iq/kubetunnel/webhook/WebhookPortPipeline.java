package io.d2iq.kubetunnel.webhook;

import io.d2iq.kubetunnel.guard.ConnectionLimit;
import io.d2iq.kubetunnel.guard.ConnectionLimits;
import io.d2iq.kubetunnel.guard.PreAuthentication;
import io.netty.channel.Channel;
import java.util.function.Consumer;

/**
 * The webhook port's additions to Camel's HTTP pipeline: the pre-authentication limit and deadline in front
 * of everything (TLS included), and the token check right after the request decoder, before the body is aggregated.
 */
final class WebhookPortPipeline implements Consumer<Channel> {

    private final RegistrationHandler registration;
    private final ConnectionLimits limits;
    private final ConnectionLimit unauthenticated;

    WebhookPortPipeline(RegistrationHandler registration, ConnectionLimits limits) {
        this.registration = registration;
        this.limits = limits;
        this.unauthenticated = ConnectionLimit.total(
                limits.maxUnauthenticatedConnections(), "unauthenticated connections on the webhook port");
    }

    @Override
    public void accept(Channel ch) {
        ch.pipeline().addAfter("decoder", "token-before-body", new TokenBeforeBody(registration));
        PreAuthentication.install(ch.pipeline(), unauthenticated, limits);
    }
}
