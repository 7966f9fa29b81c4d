package io.d2iq.kubetunnel.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiPermissionTest {

    @Test
    void mapsRequestsToTheRbacVerbTheApiServerChecks() {
        assertThat(ApiPermission.of("GET", "/api/v1/namespaces/ns/secrets/s1"))
                .contains(new ApiPermission("", "secrets", "get", "ns"));
        assertThat(ApiPermission.of("GET", "/api/v1/secrets?labelSelector=a"))
                .contains(new ApiPermission("", "secrets", "list", null));
        assertThat(ApiPermission.of("GET", "/apis/apps/v1/deployments?allowWatchBookmarks=true&watch=true"))
                .contains(new ApiPermission("apps", "deployments", "watch", null));
        assertThat(ApiPermission.of(
                        "PUT", "/apis/kubetunnel.d2iq.io/v1alpha1/namespaces/ns/tunnelconnectors/c1/status"))
                .contains(new ApiPermission("kubetunnel.d2iq.io", "tunnelconnectors/status", "update", "ns"));
        assertThat(ApiPermission.of("POST", "/api/v1/namespaces/ns/events"))
                .contains(new ApiPermission("", "events", "create", "ns"));
        assertThat(ApiPermission.of("DELETE", "/api/v1/namespaces/ns/services?labelSelector=x"))
                .contains(new ApiPermission("", "services", "deletecollection", "ns"));
        assertThat(ApiPermission.of("DELETE", "/api/v1/namespaces/ns/services/s"))
                .contains(new ApiPermission("", "services", "delete", "ns"));
        assertThat(ApiPermission.of("PATCH", "/apis/coordination.k8s.io/v1/namespaces/ns/leases/l"))
                .contains(new ApiPermission("coordination.k8s.io", "leases", "patch", "ns"));
    }

    @Test
    void ignoresNonResourceUrls() {
        assertThat(ApiPermission.of("GET", "/version")).isEmpty();
        assertThat(ApiPermission.of("GET", "/apis")).isEmpty();
        assertThat(ApiPermission.of("GET", "/api/v1")).isEmpty();
    }
}
