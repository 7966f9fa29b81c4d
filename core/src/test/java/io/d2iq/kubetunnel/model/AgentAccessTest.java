package io.d2iq.kubetunnel.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The registration identity's rights, read as an attacker holding its token would try them. */
class AgentAccessTest {

    private final TunnelConnector connector = ConnectorFixtures.connector("ns1", "c1", "gw", 1080);
    private final Role role = AgentAccess.role(connector);

    @Test
    void theRoleGrantsGetOnItsConnectorAndGetUpdatePatchOnItsKubeconfigSecretOnly() {
        assertThat(role.getRules()).hasSize(2);
        assertThat(role.getRules()).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("kubetunnel.d2iq.io");
            assertThat(rule.getResources()).containsExactly("tunnelconnectors");
            assertThat(rule.getResourceNames()).containsExactly("c1");
            assertThat(rule.getVerbs()).containsExactly("get");
        });
        assertThat(role.getRules()).anySatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("");
            assertThat(rule.getResources()).containsExactly("secrets");
            assertThat(rule.getResourceNames()).containsExactly("c1-kubeconfig");
            assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
        });
    }

    @Test
    void noRuleCreatesListsWatchesDeletesOrEscapesItsNames() {
        assertThat(role.getRules()).allSatisfy(rule -> {
            // create and list cannot be limited by name: one would squat other connectors' Secrets, one would read them
            assertThat(rule.getVerbs())
                    .doesNotContain(
                            "create",
                            "list",
                            "watch",
                            "delete",
                            "deletecollection",
                            "*",
                            "escalate",
                            "bind",
                            "impersonate");
            assertThat(rule.getResourceNames())
                    .as("every rule names its objects")
                    .isNotEmpty()
                    .doesNotContain("*");
            assertThat(rule.getResources())
                    .doesNotContain("*")
                    .allSatisfy(resource -> assertThat(resource).doesNotContain("/"));
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        });
        List<String> secretNames = role.getRules().stream()
                .filter(rule -> rule.getResources().contains("secrets"))
                .flatMap(rule -> rule.getResourceNames().stream())
                .toList();
        assertThat(secretNames)
                .as("not the token Secret, not the manifests Secret")
                .containsExactly("c1-kubeconfig");
    }

    @Test
    void theRulesOfAConnectorNameOnlyThatConnector() {
        assertThat(AgentAccess.rules("c2"))
                .flatExtracting(PolicyRule::getResourceNames)
                .containsExactlyInAnyOrder("c2", "c2-kubeconfig");
    }

    @Test
    void theBindingGivesTheRoleToTheServiceAccountTheWebhookRunsAsAndToNoOneElse() {
        RoleBinding binding = AgentAccess.roleBinding(connector);
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
        assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(subject.getName()).isEqualTo("c1-agent");
            assertThat(subject.getNamespace()).isEqualTo("ns1");
        });
        ConnectorInputs inputs = new ConnectorInputs(connector, null, null, "t", null);
        PodSpec webhook = ConnectorWorkloads.kubeconfigWebhook(inputs)
                .deployment(connector, ControllerSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(webhook.getServiceAccountName()).isEqualTo("c1-agent");
        PodSpec tunnelServer = ConnectorWorkloads.tunnelServer(inputs)
                .deployment(connector, ControllerSettings.defaults())
                .getSpec()
                .getTemplate()
                .getSpec();
        assertThat(tunnelServer.getAutomountServiceAccountToken())
                .as("the tunnel server never calls the API")
                .isFalse();
    }

    @Test
    void theKubeconfigSecretIsCreatedEmptyOwnedAndLabelled() {
        Secret secret = AgentAccess.kubeconfigSecret(connector);
        assertThat(secret.getMetadata().getName()).isEqualTo("c1-kubeconfig");
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getData()).isNullOrEmpty();
        assertThat(secret.getMetadata().getLabels())
                .containsEntry(ConnectorResources.CONNECTOR_LABEL, "c1")
                .containsEntry("app.kubernetes.io/component", "kubeconfig");
        assertThat(secret.getMetadata().getOwnerReferences())
                .singleElement()
                .satisfies(owner -> assertThat(owner.getUid()).isEqualTo("uid-c1"));
    }

    @Test
    void theConnectorTokenIsAnOpaqueSecretOf32RandomBytes() {
        String token = ConnectorToken.generate();
        assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
        assertThat(ConnectorToken.generate()).isNotEqualTo(token);
        Secret secret = ConnectorToken.secret(connector, token);
        assertThat(secret.getType()).isEqualTo("Opaque");
        assertThat(secret.getMetadata().getName()).isEqualTo("c1-agent-token");
        assertThat(secret.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(ConnectorToken.isLegacy(secret)).isFalse();
    }
}
