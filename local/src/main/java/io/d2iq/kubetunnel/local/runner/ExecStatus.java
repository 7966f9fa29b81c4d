package io.d2iq.kubetunnel.local.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the kubelet writes on an exec's error stream in {@code v4.channel.k8s.io} ({@code ServeExec} in
 * k8s.io/kubelet's remotecommand): a {@code metav1.Status} as JSON, from which kubectl takes its exit code.
 */
final class ExecStatus {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecStatus() {}

    static String success() {
        return status("Success").toString();
    }

    /** kubectl exits with {@code code}: the cause of reason {@code ExitCode} carries it. */
    static String nonZeroExit(int code) {
        ObjectNode status = status("Failure")
                .put("message", "command terminated with non-zero exit code: exit status " + code)
                .put("reason", "NonZeroExitCode");
        status.putObject("details")
                .putArray("causes")
                .addObject()
                .put("reason", "ExitCode")
                .put("message", Integer.toString(code));
        return status.toString();
    }

    /** As apierrors.NewInternalError: the command could not be run. */
    static String internalError(String message) {
        ObjectNode status = status("Failure")
                .put("message", "Internal error occurred: " + message)
                .put("reason", "InternalError");
        status.putObject("details").putArray("causes").addObject().put("message", message);
        return status.put("code", 500).toString();
    }

    private static ObjectNode status(String outcome) {
        ObjectNode status = JSON.createObjectNode();
        status.putObject("metadata");
        return status.put("status", outcome);
    }
}
