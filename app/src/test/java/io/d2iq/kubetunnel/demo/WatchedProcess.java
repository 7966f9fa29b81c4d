package io.d2iq.kubetunnel.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A process whose output (stdout and stderr merged) is read as it comes and remembered with the time each piece
 * arrived, so that a test can ask when some text first appeared. Optionally run under a pseudo-terminal of its own
 * ({@code script} from util-linux), which is how a user's terminal looks to kubectl: what the test writes to its stdin
 * is then typed at that terminal.
 */
final class WatchedProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Process process;
    private final OutputStream stdin;
    private final Thread reader;
    private final Path log;
    private final StringBuilder output = new StringBuilder();
    /** Per chunk read: the length of {@link #output} after it, and {@link System#nanoTime()} when it was read. */
    private final List<long[]> arrivals = new ArrayList<>();

    private WatchedProcess(Process process, Path log) {
        this.process = process;
        this.stdin = process.getOutputStream();
        this.log = log;
        this.reader = LoopbackEchoServer.daemon("watched-" + process.pid(), () -> read(process.getInputStream()));
    }

    /** Starts {@code command} with {@code environment} added; its output is also written to {@code log}. */
    static WatchedProcess start(List<String> command, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new WatchedProcess(builder.start(), log);
    }

    /** Starts {@code command} under a pseudo-terminal, as if a user ran it in a terminal and typed its stdin. */
    static WatchedProcess startInTerminal(List<String> command, Map<String, String> environment, Path log)
            throws IOException {
        String shellCommand = command.stream().map(WatchedProcess::quoted).collect(Collectors.joining(" "));
        // -e: script's exit code is the command's; -f: output is passed on as soon as it comes
        return start(List.of("script", "-qefc", shellCommand, "/dev/null"), environment, log);
    }

    private static String quoted(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private void read(InputStream in) {
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long now = System.nanoTime();
                String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                synchronized (this) {
                    output.append(text);
                    arrivals.add(new long[] {output.length(), now});
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended or was stopped: what it wrote so far is what there is
        }
    }

    /** Types {@code text} at the terminal (or writes it to stdin). */
    void type(String text) throws IOException {
        stdin.write(text.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Everything the process wrote so far. */
    synchronized String output() {
        return output.toString();
    }

    /** When ({@link System#nanoTime()}) {@code text} first appeared in the output, if it has. */
    synchronized OptionalLong firstSeen(String text) {
        int at = output.indexOf(text);
        if (at < 0) {
            return OptionalLong.empty();
        }
        long end = at + text.length();
        for (long[] arrival : arrivals) {
            if (arrival[0] >= end) {
                return OptionalLong.of(arrival[1]);
            }
        }
        throw new IllegalStateException("output without an arrival");
    }

    /** Waits until {@code text} is in the output and returns when it first appeared; fails with the output so far. */
    long awaitSeen(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                OptionalLong seen = firstSeen(text);
                if (seen.isPresent()) {
                    return seen.getAsLong();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !reader.isAlive())) {
                    throw new AssertionError("'" + text + "' not seen within " + timeout
                            + (process.isAlive() ? "" : " (the process exited " + process.exitValue() + ")")
                            + "; output so far:\n" + output);
                }
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
            }
        }
    }

    /** Waits for the process to exit and returns its exit code; fails with its output when it does not. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("did not exit within " + timeout + "; output so far:\n" + output());
        }
        reader.join(STOP_TIMEOUT.toMillis());
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws IOException {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                }
            }
            reader.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            Files.writeString(log, output());
        }
    }
}
