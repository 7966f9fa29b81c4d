//DEPS io.hawt:hawtio-embedded:3.0.0
//JAVA 17+

/**
 * Starts Hawtio 3.0.0 (hawtio-embedded from Maven Central) with its command line options, e.g. {@code --port 8090}.
 * hawtio-embedded 3.0.0 has no Main-Class, and its {@code io.hawt.embedded.Main.main} ignores its arguments and
 * cannot find the bundled web app; {@code Main.run(String...)} parses them and finds it. Run it with JBang
 * ({@code jbang tools/Hawtio.java --port 8090}) or with the Java source launcher and a class path holding
 * hawtio-embedded and its dependencies ({@code java -cp 'lib/*' tools/Hawtio.java --port 8090}); HawtioRoutesIT
 * starts Hawtio exactly this way. See docs/hawtio.md.
 */
public class Hawtio {
    public static void main(String[] args) throws Exception {
        io.hawt.embedded.Main.run(args);
    }
}
