package io.d2iq.kubetunnel.local.runner;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ProcessBuilder.Redirect;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command of one exec, run as a local process the way the runner runs the Pod's container: in the Pod's directory
 * with the Pod's environment ({@link LaunchPlan}; {@code HOME} is the Pod's directory), nothing else inherited. A
 * thread per output copies stdout and stderr into their SPDY streams, waiting while the connection is not writable
 * (so a fast command is read no faster than the client takes it); stdin goes through {@link ProcessStdin}. Once the
 * process has exited and both outputs are drained, the exit is handed on as a JSON Status ({@link ExecStatus}).
 */
final class ExecProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ExecProcess.class);
    private static final int CHUNK = 32 * 1024;

    private final String pod;
    private final Channel channel;
    private final Process process;
    private final ProcessStdin stdin;
    private final Object writable = new Object();

    private ExecProcess(String pod, Channel channel, Process process, ProcessStdin stdin) {
        this.pod = pod;
        this.channel = channel;
        this.process = process;
        this.stdin = stdin;
    }

    /**
     * Starts {@code command}; {@code stdoutStream}/{@code stderrStream} are the SPDY stream ids to copy to (null:
     * discarded), {@code exited} gets the Status once all is over (at once when the command cannot start).
     */
    static ExecProcess start(
            String pod,
            LaunchPlan plan,
            List<String> command,
            Channel channel,
            Integer stdoutStream,
            Integer stderrStream,
            boolean withStdin,
            Consumer<String> exited) {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(plan.podDir().toFile())
                .redirectOutput(stdoutStream == null ? Redirect.DISCARD : Redirect.PIPE)
                .redirectError(stderrStream == null ? Redirect.DISCARD : Redirect.PIPE)
                .redirectInput(withStdin ? Redirect.PIPE : Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(plan.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            LOG.info("exec in {}: cannot start the command: {}", pod, e.getMessage());
            exited.accept(ExecStatus.internalError("error executing command in container: " + e.getMessage()));
            return new ExecProcess(pod, channel, null, null);
        }
        LOG.info("exec in {}: started pid {}", pod, process.pid());
        ExecProcess exec = new ExecProcess(
                pod, channel, process, withStdin ? ProcessStdin.start(pod, channel, process.getOutputStream()) : null);
        CompletableFuture<Void> stdout = exec.pump(process.getInputStream(), stdoutStream, "stdout");
        CompletableFuture<Void> stderr = exec.pump(process.getErrorStream(), stderrStream, "stderr");
        CompletableFuture.allOf(stdout, stderr, process.onExit()).whenComplete((done, failure) -> {
            int code = process.exitValue();
            LOG.info("exec in {}: pid {} exited with code {}", pod, process.pid(), code);
            exited.accept(code == 0 ? ExecStatus.success() : ExecStatus.nonZeroExit(code));
        });
        return exec;
    }

    /** Copies {@code output} into SPDY stream {@code streamId} on a thread of its own; done at its end of file. */
    private CompletableFuture<Void> pump(InputStream output, Integer streamId, String name) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (streamId == null) {
            done.complete(null);
            return done;
        }
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[CHUNK];
                    try (output) {
                        for (int n = output.read(buffer); n >= 0; n = output.read(buffer)) {
                            awaitWritable();
                            ByteBuf data = Unpooled.copiedBuffer(buffer, 0, n);
                            channel.writeAndFlush(new DefaultSpdyDataFrame(streamId, data));
                        }
                    } catch (IOException e) {
                        LOG.debug("exec in {}: reading {} failed", pod, name, e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        done.complete(null);
                    }
                },
                "exec-" + name + " " + pod);
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    private void awaitWritable() throws InterruptedException {
        synchronized (writable) {
            while (!channel.isWritable() && channel.isActive()) {
                writable.wait(1_000);
            }
        }
    }

    /** On the event loop: the connection's writability changed (or it closed). */
    void writabilityChanged() {
        synchronized (writable) {
            writable.notifyAll();
        }
    }

    /** Data from the client's stdin stream, taken over; {@code last}: its end. */
    void stdin(ByteBuf data, boolean last) {
        if (stdin == null) {
            data.release();
            return;
        }
        stdin.offer(data, last);
    }

    /** The connection closed before the command ended: the command and what it started are killed. */
    void clientGone() {
        writabilityChanged();
        if (stdin != null) {
            stdin.abandon();
        }
        if (process != null && process.isAlive()) {
            LOG.info("exec in {}: the client went away, killing pid {}", pod, process.pid());
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
