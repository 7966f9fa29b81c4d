package io.d2iq.kubetunnel.tunnel.support;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The leak check the fuzz tests rely on fails a test when a buffer is dropped unreleased. */
@ExtendWith(LeaksFail.class)
class LeaksFailTest {

    @Test
    void aBufferDroppedWithoutReleaseFailsTheTest() {
        dropOneBuffer();
        assertThatThrownBy(LeaksFail::assertNoLeaks)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("leak");
    }

    private static void dropOneBuffer() {
        PooledByteBufAllocator.DEFAULT.buffer(64).writeLong(42);
    }
}
