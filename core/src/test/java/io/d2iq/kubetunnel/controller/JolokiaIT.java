package io.d2iq.kubetunnel.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** /observe/jolokia on the management port: the restrictor and the localhost-only default. */
class JolokiaIT {

    @Test
    void readsEverythingButRunsOnlyTheCamelOperationsHawtioNeeds() throws Exception {
        try (ManagementPort management = new ManagementPort(false)) {
            String routes = management
                    .post("/observe/jolokia", "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"}")
                    .body();
            assertThat(routes).contains("connector-reconcile", "connector-watch", "\"status\":200");
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=tracer,*\"}")
                            .body())
                    .contains("BacklogTracer");
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"list\",\"config\":{\"maxDepth\":9,\"canonicalNaming\":false}}")
                            .body())
                    .contains("\"status\":200", "org.apache.camel");
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"Uptime\"}")
                            .body())
                    .contains("\"status\":200");

            String route =
                    "org.apache.camel:context=kubetunnel-controller,type=routes,name=\\\"connector-reconcile\\\"";
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"exec\",\"mbean\":\"" + route
                                            + "\",\"operation\":\"dumpRouteAsXml()\"}")
                            .body())
                    .contains("\"status\":200", "connectorReconciler");

            // Hawtio's Start/Stop Tracing: an exec of the setter, without signature
            String tracer = "org.apache.camel:context=kubetunnel-controller,type=tracer,name=BacklogTracer";
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"exec\",\"mbean\":\"" + tracer
                                            + "\",\"operation\":\"setEnabled\",\"arguments\":[false]}")
                            .body())
                    .contains("\"status\":200");

            String context =
                    "org.apache.camel:context=kubetunnel-controller,type=context,name=\\\"kubetunnel-controller\\\"";
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"exec\",\"mbean\":\"" + context + "\",\"operation\":\"stop()\"}")
                            .body())
                    .contains("\"status\":403");
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc()\"}")
                            .body())
                    .contains("\"status\":403");
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"write\",\"mbean\":\"java.lang:type=Memory\",\"attribute\":\"Verbose\",\"value\":true}")
                            .body())
                    .contains("\"status\":403");
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"exec\",\"mbean\":\"com.sun.management:type=DiagnosticCommand\",\"operation\":\"vmSystemProperties()\"}")
                            .body())
                    .contains("\"status\":403");
            assertThat(management
                            .post(
                                    "/observe/jolokia",
                                    "{\"type\":\"exec\",\"mbean\":\"" + route + "\",\"operation\":\"remove()\"}")
                            .body())
                    .contains("\"status\":403");
        }
    }

    @Test
    void answersOnlyLoopbackClientsUnlessRemoteAccessIsAllowed() throws Exception {
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address");
        String host = external.get().getHostAddress();
        try (ManagementPort management = new ManagementPort(false)) {
            HttpResponse<String> refused = management.get(host, "/observe/jolokia/version");
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("kubectl port-forward");
            assertThat(management.get(host, "/observe/health").statusCode()).isEqualTo(200);
            assertThat(management.get("/observe/jolokia/version").statusCode()).isEqualTo(200);
        }
        try (ManagementPort management = new ManagementPort(true)) {
            assertThat(management.get(host, "/observe/jolokia/version").statusCode())
                    .isEqualTo(200);
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }
}
