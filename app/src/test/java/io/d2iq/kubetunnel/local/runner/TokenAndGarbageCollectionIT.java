package io.d2iq.kubetunnel.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.d2iq.kubetunnel.local.LocalApi;
import io.d2iq.kubetunnel.model.ServiceAccountTokenSecret;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The token controller fills service-account-token Secrets; the garbage collector deletes children of deleted owners. */
class TokenAndGarbageCollectionIT {

    private static LocalApi api;
    private static KubernetesClient client;
    private static LocalRunner runner;

    @BeforeAll
    static void start() {
        api = LocalApi.start(true);
        client = api.client();
        runner = LocalRunner.start(client, TestWorkloads.options());
    }

    @AfterAll
    static void stop() {
        runner.close();
        api.close();
    }

    @Test
    void aServiceAccountTokenSecretGetsATokenTheApiCaAndItsNamespace() {
        Secret secret = new SecretBuilder()
                .withNewMetadata()
                .withNamespace("tokens")
                .withName("agent-token")
                .withAnnotations(Map.of(ServiceAccountTokenSecret.SERVICE_ACCOUNT_NAME_ANNOTATION, "agent"))
                .endMetadata()
                .withType(ServiceAccountTokenSecret.TYPE)
                .build();
        client.secrets().resource(secret).create();

        Secret filled = await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> client.secrets()
                                .inNamespace("tokens")
                                .withName("agent-token")
                                .get(),
                        s -> s.getData() != null && s.getData().containsKey("token"));

        byte[] token = Base64.getUrlDecoder().decode(decode(filled, "token"));
        assertThat(token).hasSize(32);
        assertThat(decode(filled, "ca.crt")).isEqualTo(api.caCertificatePem());
        assertThat(decode(filled, "namespace")).isEqualTo("tokens");
    }

    @Test
    void aSecretOfAnotherTypeOrWithoutServiceAccountIsLeftAlone() {
        client.secrets()
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace("tokens")
                        .withName("opaque")
                        .endMetadata()
                        .withType("Opaque")
                        .withStringData(Map.of("a", "b"))
                        .build())
                .create();
        client.secrets()
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace("tokens")
                        .withName("unnamed")
                        .endMetadata()
                        .withType(ServiceAccountTokenSecret.TYPE)
                        .build())
                .create();

        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> hasNoToken("opaque") && hasNoToken("unnamed"));
    }

    @Test
    void deletingAnOwnerOfAnyKindDeletesItsChildrenInTheNamespace() {
        String ns = "gc";
        ConfigMap owner = client.configMaps()
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("owner")
                        .endMetadata()
                        .build())
                .create();
        OwnerReference reference = ownerReference(owner);
        client.services()
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("child-svc")
                        .withOwnerReferences(reference)
                        .endMetadata()
                        .withNewSpec()
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        client.rbac()
                .roles()
                .resource(new RoleBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("child-role")
                        .withOwnerReferences(reference)
                        .endMetadata()
                        .build())
                .create();
        HasMetadata grandchild = client.serviceAccounts()
                .resource(new ServiceAccountBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("grandchild")
                        .withOwnerReferences(ownerReference(client.rbac()
                                .roles()
                                .inNamespace(ns)
                                .withName("child-role")
                                .get()))
                        .endMetadata()
                        .build())
                .create();
        client.secrets()
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("unowned")
                        .endMetadata()
                        .build())
                .create();
        // same name, other uid: not this owner's child
        client.secrets()
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withNamespace(ns)
                        .withName("stale-owner")
                        .withOwnerReferences(new OwnerReferenceBuilder(reference)
                                .withUid("another-uid")
                                .build())
                        .endMetadata()
                        .build())
                .create();
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() ->
                        client.services().inNamespace(ns).withName("child-svc").get() != null);

        client.configMaps().resource(owner).delete();

        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        client.services().inNamespace(ns).withName("child-svc").get() == null
                                && client.rbac()
                                                .roles()
                                                .inNamespace(ns)
                                                .withName("child-role")
                                                .get()
                                        == null
                                && client.serviceAccounts()
                                                .inNamespace(ns)
                                                .withName(
                                                        grandchild.getMetadata().getName())
                                                .get()
                                        == null);
        assertThat(client.secrets().inNamespace(ns).withName("unowned").get()).isNotNull();
    }

    private static boolean hasNoToken(String name) {
        Secret secret = client.secrets().inNamespace("tokens").withName(name).get();
        return secret.getData() == null || !secret.getData().containsKey("token");
    }

    private static OwnerReference ownerReference(HasMetadata owner) {
        return new OwnerReferenceBuilder()
                .withApiVersion(owner.getApiVersion())
                .withKind(owner.getKind())
                .withName(owner.getMetadata().getName())
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .build();
    }

    private static String decode(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
    }
}
