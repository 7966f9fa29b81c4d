package io.d2iq.kubetunnel.camel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Every log line of the test JVM as {@code LEVEL message}, captured through a log4j2 appender on the root logger. */
public final class CapturedLog extends AbstractAppender {

    private final List<String> lines = new CopyOnWriteArrayList<>();

    private CapturedLog() {
        super("captured", null, null, true, Property.EMPTY_ARRAY);
    }

    /** Starts capturing; call {@link #detach} when done. */
    public static CapturedLog attach() {
        CapturedLog appender = new CapturedLog();
        appender.start();
        root().addAppender(appender, null, null);
        context().updateLoggers();
        return appender;
    }

    public void detach() {
        root().removeAppender(getName());
        context().updateLoggers();
        stop();
    }

    public long count(String fragment) {
        return lines().stream().filter(line -> line.contains(fragment)).count();
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
    }

    private static LoggerContext context() {
        return (LoggerContext) LogManager.getContext(false);
    }

    private static LoggerConfig root() {
        return context().getConfiguration().getRootLogger();
    }
}
