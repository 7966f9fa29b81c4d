package io.d2iq.kubetunnel.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiPathTest {

    @Test
    void namespacedCustomResourceStatusPathHasEveryPart() {
        assertThat(ApiPath.parse("/apis/kubetunnel.d2iq.io/v1alpha1/namespaces/ns1/tunnelconnectors/c1/status"))
                .isEqualTo(new ApiPath("kubetunnel.d2iq.io", "v1alpha1", "ns1", "tunnelconnectors", "c1", "status"));
    }

    @Test
    void coreCollectionHasNoName() {
        ApiPath path = ApiPath.parse("/api/v1/namespaces/ns1/secrets");

        assertThat(path).isEqualTo(new ApiPath("", "v1", "ns1", "secrets", null, null));
        assertThat(path.isCollection()).isTrue();
        assertThat(path.apiVersion()).isEqualTo("v1");
    }

    @Test
    void aNamespaceItselfAndItsStatusAreClusterScoped() {
        assertThat(ApiPath.parse("/api/v1/namespaces/team-a"))
                .isEqualTo(new ApiPath("", "v1", null, "namespaces", "team-a", null));
        assertThat(ApiPath.parse("/api/v1/namespaces/team-a/status"))
                .isEqualTo(new ApiPath("", "v1", null, "namespaces", "team-a", "status"));
    }

    @Test
    void discoveryAndOpenApiPathsAreNotResources() {
        assertThat(ApiPath.parse("/apis/apps/v1")).isNull();
        assertThat(ApiPath.parse("/api/v1")).isNull();
        assertThat(ApiPath.parse("/openapi/v3")).isNull();
    }
}
