package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One exec session driven frame by frame as spdystream's client drives it, with a real local process behind it:
 * every stream answered, stdin's FIN closing the command's stdin, both outputs ended, and the exit on the error stream.
 */
class ExecSessionTest {

    private static final int ERROR = 1;
    private static final int STDIN = 3;
    private static final int STDOUT = 5;
    private static final int STDERR = 7;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path podDir;

    /** Everything the session sent, per stream, and which streams it ended. */
    private record Sent(Map<Integer, String> data, List<Integer> ended) {}

    private LaunchPlan plan() {
        return new LaunchPlan(
                "ns/Pod/web",
                List.of(),
                Map.of("PATH", System.getenv("PATH"), "HOME", podDir.toString()),
                podDir,
                podDir.resolve("log"),
                null,
                "/");
    }

    private static SpdySynStreamFrame open(int id, String type) {
        SpdySynStreamFrame syn = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
        syn.headers().set(ExecSession.STREAM_TYPE, type);
        return syn;
    }

    private static Sent until(EmbeddedChannel channel, int endedStreams) throws InterruptedException {
        Map<Integer, ByteArrayOutputStream> data = new HashMap<>();
        List<Integer> ended = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (ended.size() < endedStreams) {
            assertThat(System.nanoTime())
                    .as("the session ends its streams in time")
                    .isLessThan(deadline);
            channel.runPendingTasks();
            Object frame = channel.readOutbound();
            if (frame == null) {
                Thread.sleep(5);
                continue;
            }
            if (frame instanceof SpdyDataFrame dataFrame) {
                ByteBuf content = dataFrame.content();
                byte[] bytes = new byte[content.readableBytes()];
                content.readBytes(bytes);
                data.computeIfAbsent(dataFrame.streamId(), id -> new ByteArrayOutputStream())
                        .writeBytes(bytes);
                if (dataFrame.isLast()) {
                    ended.add(dataFrame.streamId());
                }
                dataFrame.release();
            }
        }
        Map<Integer, String> text = new HashMap<>();
        data.forEach((id, bytes) -> text.put(id, bytes.toString(StandardCharsets.UTF_8)));
        return new Sent(text, ended);
    }

    @Test
    void everyStreamIsAnsweredStdinsFinEndsTheCommandsInputAndTheExitCodeComesOnTheErrorStream() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new ExecSession(
                "ns/web",
                plan(),
                List.of("sh", "-c", "cat; echo \"in $PWD\" >&2; exit 3"),
                new ExecSession.Streams(true, true, true)));

        int[] ids = {ERROR, STDIN, STDOUT, STDERR};
        String[] types = {ExecSession.ERROR, ExecSession.STDIN, ExecSession.STDOUT, ExecSession.STDERR};
        for (int i = 0; i < ids.length; i++) {
            channel.writeInbound(open(ids[i], types[i]));
            SpdySynReplyFrame reply = channel.readOutbound();
            assertThat(reply.streamId()).isEqualTo(ids[i]);
            assertThat(reply.headers().getAsString(ExecSession.STREAM_TYPE)).isEqualTo(types[i]);
        }
        channel.writeInbound(new DefaultSpdyPingFrame(2));
        assertThat(((SpdyPingFrame) channel.readOutbound()).id()).isEqualTo(2);

        channel.writeInbound(
                new DefaultSpdyDataFrame(STDIN, Unpooled.copiedBuffer("to cat\n", StandardCharsets.UTF_8)));
        // cat ends only when its stdin is closed
        channel.writeInbound(new DefaultSpdyDataFrame(STDIN).setLast(true));

        Sent sent = until(channel, 4);
        assertThat(sent.data().get(STDOUT)).isEqualTo("to cat\n");
        assertThat(sent.data().get(STDERR)).isEqualTo("in " + podDir + "\n");
        assertThat(sent.data().get(ERROR)).isEqualTo(ExecStatus.nonZeroExit(3));
        assertThat(sent.data().get(ERROR))
                .contains("\"reason\":\"NonZeroExitCode\"", "\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"3\"}]");
        assertThat(sent.ended()).containsExactlyInAnyOrder(ERROR, STDIN, STDOUT, STDERR);
        assertThat(sent.ended().get(sent.ended().size() - 1))
                .as("the status comes last")
                .isEqualTo(ERROR);
        channel.finishAndReleaseAll();
    }

    @Test
    void withoutStdinTheCommandRunsOnceErrorAndStdoutAreOpenAndSucceeds() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new ExecSession(
                "ns/web", plan(), List.of("sh", "-c", "echo ok"), new ExecSession.Streams(false, true, false)));
        channel.writeInbound(open(ERROR, ExecSession.ERROR));
        channel.runPendingTasks();
        assertThat(channel.<Object>readOutbound()).isInstanceOf(SpdySynReplyFrame.class);
        channel.writeInbound(open(STDOUT, ExecSession.STDOUT));

        Sent sent = until(channel, 2);
        assertThat(sent.data().get(STDOUT)).isEqualTo("ok\n");
        assertThat(sent.data().get(ERROR)).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
        channel.finishAndReleaseAll();
    }

    @Test
    void aCommandThatCannotStartIsReportedAsAnInternalError() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(new ExecSession(
                "ns/web", plan(), List.of("no-such-command-here"), new ExecSession.Streams(false, true, false)));
        channel.writeInbound(open(ERROR, ExecSession.ERROR));
        channel.writeInbound(open(STDOUT, ExecSession.STDOUT));

        Sent sent = until(channel, 2);
        assertThat(sent.data().get(ERROR))
                .contains("\"reason\":\"InternalError\"", "no-such-command-here", "\"code\":500");
        channel.finishAndReleaseAll();
    }
}
