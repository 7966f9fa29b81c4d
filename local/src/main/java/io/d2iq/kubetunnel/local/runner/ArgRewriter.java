package io.d2iq.kubetunnel.local.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Rewrites a container's args for a process on this machine: paths under a volume's mountPath point into
 * the directory where the runner materialised that volume, and the value of a {@code --*port} flag that
 * names one of the container's ports becomes the loopback port the runner assigned to it. Both
 * {@code --flag value} and {@code --flag=value} forms are handled.
 *
 * @param mounts mountPath to local directory
 * @param ports  container port number to local port
 */
record ArgRewriter(Map<String, Path> mounts, Map<Integer, Integer> ports) {

    List<String> rewrite(List<String> args) {
        List<String> out = new ArrayList<>(args.size());
        String previous = null;
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                String flag = arg.substring(0, equals);
                out.add(flag + "=" + rewriteValue(flag, arg.substring(equals + 1)));
            } else {
                out.add(rewriteValue(previous, arg));
            }
            previous = arg;
        }
        return out;
    }

    private String rewriteValue(String flag, String value) {
        if (flag != null && flag.startsWith("--") && flag.endsWith("port")) {
            Integer local = parsePort(value) == null ? null : ports.get(parsePort(value));
            if (local != null) {
                return Integer.toString(local);
            }
        }
        return rewritePath(value);
    }

    /** Also used for env values, which may name mounted files too. */
    String rewritePath(String value) {
        return mounts.entrySet().stream()
                .sorted(Comparator.comparingInt(
                                (Map.Entry<String, Path> e) -> e.getKey().length())
                        .reversed())
                .filter(e -> isUnder(value, e.getKey()))
                .findFirst()
                .map(e -> e.getValue().toString()
                        + value.substring(trimSlash(e.getKey()).length()))
                .orElse(value);
    }

    private static boolean isUnder(String value, String mountPath) {
        String mount = trimSlash(mountPath);
        return value.equals(mount) || value.startsWith(mount + "/");
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static Integer parsePort(String value) {
        try {
            return Integer.valueOf(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
