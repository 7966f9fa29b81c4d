package io.d2iq.kubetunnel.model;

import io.d2iq.kubetunnel.api.v1alpha1.ApiGroup;
import io.d2iq.kubetunnel.api.v1alpha1.TunnelConnector;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import java.util.Map;

/**
 * The management-side identity of a connector's agent: a ServiceAccount whose non-expiring token the
 * agent presents, and a Role that lets the registration (the webhook, running as that account) write
 * only this connector's kubeconfig Secret.
 */
public final class AgentAccess {

    /** Annotation that asks the token controller to fill a Secret with a ServiceAccount's token. */
    public static final String SERVICE_ACCOUNT_NAME_ANNOTATION = "kubernetes.io/service-account.name";
    /** Type of a Secret that the token controller fills. */
    public static final String SERVICE_ACCOUNT_TOKEN_TYPE = "kubernetes.io/service-account-token";

    private AgentAccess() {
    }

    /** The agent's ServiceAccount. */
    public static ServiceAccount serviceAccount(TunnelConnector connector) {
        return new ServiceAccountBuilder()
                .withMetadata(ConnectorLabels.childMetadata(connector,
                        ConnectorResources.agentServiceAccountName(connector.getMetadata().getName()), ConnectorLabels.AGENT))
                .build();
    }

    /**
     * The Role: read this connector, write Secrets. Kubernetes cannot restrict {@code create} by name,
     * so create is namespace-wide; get/update/patch are restricted to the kubeconfig Secret.
     */
    public static Role role(TunnelConnector connector) {
        String name = connector.getMetadata().getName();
        return new RoleBuilder()
                .withMetadata(ConnectorLabels.childMetadata(connector, ConnectorResources.agentRoleName(name), ConnectorLabels.AGENT))
                .withRules(
                        new PolicyRuleBuilder().withApiGroups(ApiGroup.GROUP).withResources("tunnelconnectors")
                                .withResourceNames(name).withVerbs("get").build(),
                        new PolicyRuleBuilder().withApiGroups("").withResources("secrets")
                                .withResourceNames(ConnectorResources.kubeconfigSecretName(name))
                                .withVerbs("get", "update", "patch").build(),
                        new PolicyRuleBuilder().withApiGroups("").withResources("secrets").withVerbs("create").build())
                .build();
    }

    /** Binds the Role to the ServiceAccount. */
    public static RoleBinding roleBinding(TunnelConnector connector) {
        String name = connector.getMetadata().getName();
        return new RoleBindingBuilder()
                .withMetadata(ConnectorLabels.childMetadata(connector, ConnectorResources.agentRoleBindingName(name), ConnectorLabels.AGENT))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                    .withName(ConnectorResources.agentRoleName(name)).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(ConnectorResources.agentServiceAccountName(name))
                    .withNamespace(connector.getMetadata().getNamespace()).endSubject()
                .build();
    }

    /**
     * The non-expiring token Secret of the ServiceAccount. The token controller fills its data; the
     * controller never writes data here, so an apply keeps whatever the token controller put.
     */
    public static Secret tokenSecret(TunnelConnector connector) {
        String name = connector.getMetadata().getName();
        Secret secret = new SecretBuilder()
                .withMetadata(ConnectorLabels.childMetadata(connector, ConnectorResources.agentTokenSecretName(name), ConnectorLabels.AGENT))
                .withType(SERVICE_ACCOUNT_TOKEN_TYPE)
                .build();
        secret.getMetadata().setAnnotations(Map.of(SERVICE_ACCOUNT_NAME_ANNOTATION, ConnectorResources.agentServiceAccountName(name)));
        return secret;
    }
}
