package io.d2iq.kubetunnel.tunnel.agent;

import io.d2iq.kubetunnel.tunnel.frame.Target;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The targets the agent may dial; everything else is refused with a reason. */
public final class AllowList {

    private final Set<Target> targets;

    public AllowList(Set<Target> targets) {
        this.targets = Set.copyOf(targets);
    }

    /** {@code host:port[,host:port...]}; throws IllegalArgumentException naming the bad entry. */
    public static AllowList parse(List<String> entries) {
        Set<Target> targets = new LinkedHashSet<>();
        for (String entry : entries) {
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    targets.add(Target.parse(part));
                }
            }
        }
        return new AllowList(targets);
    }

    /** The in-cluster API server from KUBERNETES_SERVICE_HOST/PORT, or nothing when not in a cluster. */
    public static AllowList inClusterApiServer(Map<String, String> environment) {
        String host = environment.get("KUBERNETES_SERVICE_HOST");
        String port = environment.get("KUBERNETES_SERVICE_PORT");
        if (host == null || host.isBlank() || port == null || port.isBlank()) {
            return new AllowList(Set.of());
        }
        return new AllowList(Set.of(new Target(host, Integer.parseInt(port.trim()))));
    }

    /** Null when allowed, else the reason the agent refuses the target. */
    public String refusal(String target) {
        Target parsed;
        try {
            parsed = Target.parse(target);
        } catch (IllegalArgumentException e) {
            return "invalid target: " + e.getMessage();
        }
        if (targets.contains(parsed)) {
            return null;
        }
        return "target " + parsed + " is not on the agent's allow-list " + describe();
    }

    public boolean isEmpty() {
        return targets.isEmpty();
    }

    public String describe() {
        List<String> names = new ArrayList<>();
        targets.forEach(target -> names.add(target.toString()));
        return names.toString();
    }
}
