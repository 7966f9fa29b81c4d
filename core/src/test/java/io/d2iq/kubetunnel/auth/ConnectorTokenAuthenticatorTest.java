package io.d2iq.kubetunnel.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorTokenAuthenticatorTest {

    @TempDir
    Path dir;

    private ConnectorTokenAuthenticator authenticatorWithToken(String token) throws IOException {
        Path file = dir.resolve("token");
        Files.writeString(file, token);
        return new ConnectorTokenAuthenticator(file);
    }

    @Test
    void acceptsTheConnectorsOwnTokenIgnoringTrailingNewline() throws IOException {
        assertThat(authenticatorWithToken("s3cret\n").isAuthorized("Bearer s3cret"))
                .isTrue();
    }

    @Test
    void refusesMissingGarbageAndOtherTokens() throws IOException {
        ConnectorTokenAuthenticator auth = authenticatorWithToken("s3cret");
        assertThat(auth.isAuthorized(null)).isFalse();
        assertThat(auth.isAuthorized("")).isFalse();
        assertThat(auth.isAuthorized("Bearer ")).isFalse();
        assertThat(auth.isAuthorized("Basic s3cret")).isFalse();
        assertThat(auth.isAuthorized("Bearer s3cre")).isFalse();
        assertThat(auth.isAuthorized("Bearer another-connectors-token")).isFalse();
    }

    @Test
    void refusesEverythingWhenTheTokenFileIsMissingOrEmpty() throws IOException {
        assertThat(new ConnectorTokenAuthenticator(dir.resolve("absent")).isAuthorized("Bearer x"))
                .isFalse();
        assertThat(authenticatorWithToken("  \n").isAuthorized("Bearer ")).isFalse();
    }

    @Test
    void followsARotatedTokenWithoutRestart() throws IOException {
        ConnectorTokenAuthenticator auth = authenticatorWithToken("old");
        Files.writeString(dir.resolve("token"), "new");
        assertThat(auth.isAuthorized("Bearer old")).isFalse();
        assertThat(auth.isAuthorized("Bearer new")).isTrue();
    }
}
