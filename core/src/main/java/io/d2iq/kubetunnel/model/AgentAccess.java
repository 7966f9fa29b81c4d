package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.ApiGroup;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.List;

/**
 * The management-side identity of a connector's registration: the ServiceAccount the kubeconfig webhook runs as
 * (status.serviceAccountRef), its Role (roleRef) and RoleBinding (roleBindingRef). Its token exists only in the
 * webhook pod and never leaves the management cluster. The Role lets it read its own connector and fill the one
 * Secret the controller created empty for it, and nothing else: no {@code create} (which Kubernetes cannot
 * restrict by name), no other Secret.
 */
public final class AgentAccess {

    /** Verbs the registration needs on its kubeconfig Secret: read it, then replace it (update) or merge (patch). */
    public static final List<String> KUBECONFIG_SECRET_VERBS = List.of("get", "update", "patch");
    /** Type of the kubeconfig Secret. */
    public static final String KUBECONFIG_SECRET_TYPE = "Opaque";

    private AgentAccess() {}

    /** The registration's ServiceAccount, the webhook pod's identity. */
    public static ServiceAccount serviceAccount(TunnelConnector connector) {
        return new ServiceAccountBuilder()
                .withMetadata(ConnectorLabels.childMetadata(
                        connector,
                        ConnectorResources.agentServiceAccountName(
                                connector.getMetadata().getName()),
                        ConnectorLabels.AGENT))
                .build();
    }

    /** The Role: {@link #rules} of this connector. */
    public static Role role(TunnelConnector connector) {
        String name = connector.getMetadata().getName();
        return new RoleBuilder()
                .withMetadata(ConnectorLabels.childMetadata(
                        connector, ConnectorResources.agentRoleName(name), ConnectorLabels.AGENT))
                .withRules(rules(name))
                .build();
    }

    /**
     * Everything the registration of connector {@code connector} may do in its namespace: get that TunnelConnector
     * (for its uid and proxy port), and get/update/patch that connector's kubeconfig Secret.
     */
    public static List<PolicyRule> rules(String connector) {
        return List.of(
                new PolicyRuleBuilder()
                        .withApiGroups(ApiGroup.GROUP)
                        .withResources("tunnelconnectors")
                        .withResourceNames(connector)
                        .withVerbs("get")
                        .build(),
                new PolicyRuleBuilder()
                        .withApiGroups("")
                        .withResources("secrets")
                        .withResourceNames(ConnectorResources.kubeconfigSecretName(connector))
                        .withVerbs(KUBECONFIG_SECRET_VERBS)
                        .build());
    }

    /** Binds the Role to the ServiceAccount. */
    public static RoleBinding roleBinding(TunnelConnector connector) {
        String name = connector.getMetadata().getName();
        return new RoleBindingBuilder()
                .withMetadata(ConnectorLabels.childMetadata(
                        connector, ConnectorResources.agentRoleBindingName(name), ConnectorLabels.AGENT))
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName(ConnectorResources.agentRoleName(name))
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName(ConnectorResources.agentServiceAccountName(name))
                .withNamespace(connector.getMetadata().getNamespace())
                .endSubject()
                .build();
    }

    /**
     * The kubeconfig Secret as the controller creates it: no data, owned and labelled. The webhook fills it
     * (update only, so its identity needs no {@code create}); the controller never writes its data.
     */
    public static Secret kubeconfigSecret(TunnelConnector connector) {
        return new SecretBuilder()
                .withMetadata(ConnectorLabels.childMetadata(
                        connector,
                        ConnectorResources.kubeconfigSecretName(
                                connector.getMetadata().getName()),
                        ConnectorLabels.KUBECONFIG))
                .withType(KUBECONFIG_SECRET_TYPE)
                .build();
    }
}
