package io.d2iq.kubetunnel.local.runner;

import io.d2iq.kubetunnel.model.ServiceAccountTokenSecret;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token controller: fills each {@code kubernetes.io/service-account-token} Secret that names a
 * ServiceAccount with {@code token} (32 random bytes, base64url), {@code namespace} and, for a TLS API,
 * {@code ca.crt}. A Secret that already has a token keeps it.
 */
final class TokenController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TokenController.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient api;
    private final ApiEndpoint endpoint;
    private final Executor loop;
    private SharedIndexInformer<Secret> informer;

    TokenController(KubernetesClient api, ApiEndpoint endpoint, Executor loop) {
        this.api = api;
        this.endpoint = endpoint;
        this.loop = loop;
    }

    void start() {
        informer = api.secrets().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Secret secret) {
                loop.execute(() -> fill(secret));
            }

            @Override
            public void onUpdate(Secret before, Secret secret) {
                loop.execute(() -> fill(secret));
            }

            @Override
            public void onDelete(Secret secret, boolean unknown) {
                // nothing to fill
            }
        });
    }

    private void fill(Secret secret) {
        Map<String, String> annotations = secret.getMetadata().getAnnotations();
        if (!ServiceAccountTokenSecret.TYPE.equals(secret.getType())
                || annotations == null
                || annotations.get(ServiceAccountTokenSecret.SERVICE_ACCOUNT_NAME_ANNOTATION) == null
                || (secret.getData() != null && secret.getData().containsKey("token"))) {
            return;
        }
        String namespace = secret.getMetadata().getNamespace();
        String name = secret.getMetadata().getName();
        try {
            api.secrets().inNamespace(namespace).withName(name).edit(current -> {
                Map<String, String> data =
                        new LinkedHashMap<>(current.getData() == null ? Map.of() : current.getData());
                if (!data.containsKey("token")) {
                    data.put("token", base64(newToken()));
                }
                data.put("namespace", base64(namespace));
                if (endpoint.caPem() != null) {
                    data.put("ca.crt", base64(endpoint.caPem()));
                }
                current.setData(data);
                return current;
            });
            LOG.info(
                    "filled service account token Secret {}/{} for ServiceAccount {}",
                    namespace,
                    name,
                    annotations.get(ServiceAccountTokenSecret.SERVICE_ACCOUNT_NAME_ANNOTATION));
        } catch (KubernetesClientException e) {
            LOG.warn("cannot fill service account token Secret {}/{}: {}", namespace, name, e.getMessage());
        }
    }

    private static String newToken() {
        byte[] token = new byte[32];
        RANDOM.nextBytes(token);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
    }

    private static String base64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
