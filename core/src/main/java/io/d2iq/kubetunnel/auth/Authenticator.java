package io.d2iq.kubetunnel.auth;

/**
 * How a server accepts a client's credentials, given to it rather than built inside (as remotedialer's authorizer
 * is): {@link ConnectorTokenAuthenticator} in production, a test's own where it wants another answer.
 */
@FunctionalInterface
public interface Authenticator {

    /** Whether an {@code Authorization} header value (null when the request has none) is accepted. */
    boolean isAuthorized(String authorizationHeader);
}
