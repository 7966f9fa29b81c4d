package io.d2iq.kubetunnel.tunnel.support;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class with Netty's leak detector at PARANOID (every buffer tracked) and fails it when the
 * detector reports a leak, instead of only logging one. Leaks are reported when a leaked buffer has been
 * collected and the next buffer is allocated, so {@link #assertNoLeaks()} collects garbage and allocates
 * before it looks; call it at the end of each test.
 */
public final class LeaksFail implements BeforeAllCallback, AfterAllCallback {

    private static final int GC_ROUNDS = 5;
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    private ResourceLeakDetector.Level previousLevel;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        previousLevel = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        byteBufDetector().setLeakListener((type, records) -> LEAKS.add(type + " leaked:" + records));
        LEAKS.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        byteBufDetector().setLeakListener(null);
        ResourceLeakDetector.setLevel(previousLevel);
    }

    /** Fails if any buffer allocated so far and no longer referenced was never released. */
    public static void assertNoLeaks() {
        for (int i = 0; i < GC_ROUNDS && LEAKS.isEmpty(); i++) {
            System.gc();
            System.runFinalization();
            // the detector looks for collected, unreleased buffers when it tracks a new one
            ByteBuf probe = PooledByteBufAllocator.DEFAULT.buffer(1);
            probe.release();
        }
        if (!LEAKS.isEmpty()) {
            throw new AssertionError(LEAKS.size() + " ByteBuf leak(s), the first: " + LEAKS.get(0));
        }
    }

    /** The detector every ByteBuf allocator uses; Netty creates it once, so its listener is set on it. */
    @SuppressWarnings("unchecked")
    private static ResourceLeakDetector<ByteBuf> byteBufDetector() throws ReflectiveOperationException {
        Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
        field.setAccessible(true);
        return (ResourceLeakDetector<ByteBuf>) field.get(null);
    }
}
