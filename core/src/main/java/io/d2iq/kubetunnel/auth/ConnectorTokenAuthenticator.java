package io.d2iq.kubetunnel.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * Accepts exactly one connector's token: the one in the token Secret that the pod mounts.
 *
 * <p>Why a constant-time comparison and not a TokenReview: the tunnel server and webhook then need no
 * RBAC on the API server, keep working while the API server is unreachable, and behave the same on the
 * embedded API, which has no TokenReview. Another connector's token, although valid for the cluster, is
 * refused because it differs from this pod's Secret. The file is read on every check, so a rotated
 * Secret takes effect without a restart (checks happen once per connection or request, not per byte).
 */
public final class ConnectorTokenAuthenticator implements Authenticator {

    private static final String BEARER_PREFIX = "Bearer ";

    private final Path tokenFile;

    public ConnectorTokenAuthenticator(Path tokenFile) {
        this.tokenFile = tokenFile;
    }

    /**
     * Whether an {@code Authorization} header value carries this connector's token.
     * Null, blank, non-Bearer and wrong tokens are all refused; an unreadable or empty token file refuses everything.
     */
    @Override
    public boolean isAuthorized(String authorizationHeader) {
        if (authorizationHeader == null
                || !authorizationHeader.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())) {
            return false;
        }
        byte[] presented =
                authorizationHeader.substring(BEARER_PREFIX.length()).trim().getBytes(StandardCharsets.UTF_8);
        byte[] expected = expectedToken();
        return expected.length > 0 && presented.length > 0 && MessageDigest.isEqual(presented, expected);
    }

    private byte[] expectedToken() {
        try {
            return Files.readString(tokenFile, StandardCharsets.UTF_8).trim().getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
