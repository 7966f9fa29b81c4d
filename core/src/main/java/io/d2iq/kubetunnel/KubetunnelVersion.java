package io.d2iq.kubetunnel;

import picocli.CommandLine;

/** The version printed by {@code --version}, taken from the JAR manifest. */
public final class KubetunnelVersion implements CommandLine.IVersionProvider {

    /** The implementation version of the running JAR, or "dev" when run from classes. */
    public static String current() {
        String version = KubetunnelVersion.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"kubetunnel " + current()};
    }
}
