package io.d2iq.kubetunnel.local.runner;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The garbage collector for the kinds kubetunnel creates: an object whose owners (by ownerReference uid,
 * same namespace) are all gone is deleted. Owners of these kinds are checked in the informer caches; others,
 * e.g. a TunnelConnector, with a GET. It sweeps on every delete it sees and periodically, so owners of any
 * kind, and owners deleted while the runner was down, are covered.
 */
final class GarbageCollector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
    private static final List<Class<? extends HasMetadata>> CHILD_KINDS = List.of(
            Deployment.class,
            Service.class,
            Ingress.class,
            NetworkPolicy.class,
            Secret.class,
            ServiceAccount.class,
            Role.class,
            RoleBinding.class,
            Job.class);

    private final KubernetesClient api;
    private final RunnerLoop loop;
    private final Map<String, SharedIndexInformer<? extends HasMetadata>> informers = new LinkedHashMap<>();

    GarbageCollector(KubernetesClient api, RunnerLoop loop) {
        this.api = api;
        this.loop = loop;
    }

    void start(Duration sweepInterval) {
        for (Class<? extends HasMetadata> kind : CHILD_KINDS) {
            informers.put(typeKey(HasMetadata.getApiVersion(kind), HasMetadata.getKind(kind)), inform(kind));
        }
        loop.every(sweepInterval, this::sweep);
    }

    private <T extends HasMetadata> SharedIndexInformer<T> inform(Class<T> kind) {
        return api.resources(kind).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                // a new object is swept with the others
            }

            @Override
            public void onUpdate(T before, T object) {
                // owners do not change in practice; the periodic sweep covers it
            }

            @Override
            public void onDelete(T object, boolean unknown) {
                loop.execute(GarbageCollector.this::sweep);
            }
        });
    }

    private void sweep() {
        Map<String, Boolean> ownerExists = new HashMap<>();
        for (SharedIndexInformer<? extends HasMetadata> informer : informers.values()) {
            for (HasMetadata object : informer.getStore().list()) {
                List<OwnerReference> owners = object.getMetadata().getOwnerReferences();
                if (owners == null || owners.isEmpty() || object.getMetadata().getDeletionTimestamp() != null) {
                    continue;
                }
                String namespace = object.getMetadata().getNamespace();
                boolean orphaned = owners.stream()
                        .allMatch(owner -> ownerExists.computeIfAbsent(
                                        namespace + "/" + owner.getUid(),
                                        k -> exists(namespace, owner).orElse(true))
                                == Boolean.FALSE);
                if (orphaned) {
                    delete(object, owners);
                }
            }
        }
    }

    /** Whether the owner still exists with that uid; empty when that cannot be told (unknown kind, API error). */
    private Optional<Boolean> exists(String namespace, OwnerReference owner) {
        SharedIndexInformer<? extends HasMetadata> cached =
                informers.get(typeKey(owner.getApiVersion(), owner.getKind()));
        if (cached != null) {
            HasMetadata found = cached.getStore().getByKey(namespace + "/" + owner.getName());
            return Optional.of(found != null
                    && Objects.equals(owner.getUid(), found.getMetadata().getUid()));
        }
        try {
            GenericKubernetesResource found = api.genericKubernetesResources(owner.getApiVersion(), owner.getKind())
                    .inNamespace(namespace)
                    .withName(owner.getName())
                    .get();
            return Optional.of(found != null
                    && Objects.equals(owner.getUid(), found.getMetadata().getUid()));
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }

    private void delete(HasMetadata object, List<OwnerReference> owners) {
        String namespace = object.getMetadata().getNamespace();
        String name = object.getMetadata().getName();
        try {
            if (api.resource(object).delete().isEmpty()) {
                return;
            }
            LOG.info(
                    "garbage-collected {} {}/{}: owner {} {} is gone",
                    object.getKind(),
                    namespace,
                    name,
                    owners.get(0).getKind(),
                    owners.get(0).getName());
        } catch (KubernetesClientException e) {
            LOG.warn("cannot garbage-collect {} {}/{}: {}", object.getKind(), namespace, name, e.getMessage());
        }
    }

    private static String typeKey(String apiVersion, String kind) {
        return apiVersion + "/" + kind;
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::close);
    }
}
