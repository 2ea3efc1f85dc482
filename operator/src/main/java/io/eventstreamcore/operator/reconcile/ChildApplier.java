package io.eventstreamcore.operator.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.crd.EventCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Creates a child of an EventCluster or updates it when what the operator wants differs from what
 * it last wrote (a hash in an annotation), so an unchanged spec causes no writes at all. Children
 * are owned by the EventCluster and go with it.
 */
public final class ChildApplier {
  private final KubernetesClient client;
  private final EventRecorder events;

  public ChildApplier(KubernetesClient client, EventRecorder events) {
    this.client = client;
    this.events = events;
  }

  /** Owned by the cluster, so it goes with it. */
  static OwnerReference ownerReference(EventCluster owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /**
   * @return true when the child was created or updated
   */
  public <T extends HasMetadata> boolean apply(EventCluster owner, T desired) {
    desired.getMetadata().setOwnerReferences(List.of(ownerReference(owner)));
    String hash = hash(desired);
    Map<String, String> annotations = new LinkedHashMap<>();
    if (desired.getMetadata().getAnnotations() != null) {
      annotations.putAll(desired.getMetadata().getAnnotations());
    }
    annotations.put(Names.SPEC_HASH, hash);
    desired.getMetadata().setAnnotations(annotations);
    T existing = client.resource(desired).get();
    String what = desired.getKind() + " " + desired.getMetadata().getName();
    if (existing == null) {
      client.resource(desired).create();
      events.normal(owner, "Created", "created " + what);
      return true;
    }
    if (!ownedBy(existing, owner)) {
      throw new ForeignObjectException(what, owner);
    }
    Map<String, String> current = existing.getMetadata().getAnnotations();
    if (current != null
        && hash.equals(current.get(Names.SPEC_HASH))
        && !scaledByHand(existing, desired)) {
      return false;
    }
    desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
    if (desired instanceof Service service && existing instanceof Service running) {
      // The cluster IP is assigned by Kubernetes and cannot change.
      service.getSpec().setClusterIP(running.getSpec().getClusterIP());
      service.getSpec().setClusterIPs(running.getSpec().getClusterIPs());
    }
    client.resource(desired).update();
    events.normal(owner, "Updated", "updated " + what + " to match the spec");
    return true;
  }

  private static boolean ownedBy(HasMetadata child, EventCluster owner) {
    return child.getMetadata().getOwnerReferences() != null
        && child.getMetadata().getOwnerReferences().stream()
            .anyMatch(r -> owner.getMetadata().getUid().equals(r.getUid()));
  }

  /** A child's name is taken by an object this EventCluster does not own: it is left alone. */
  public static final class ForeignObjectException extends RuntimeException {
    ForeignObjectException(String what, EventCluster owner) {
      super(
          what
              + " exists and is not owned by EventCluster "
              + owner.getMetadata().getName()
              + ": it is left as it is; delete or rename it, or give the cluster another name");
    }
  }

  /** A StatefulSet whose replicas someone changed by hand: put back, never adopted. */
  private static boolean scaledByHand(HasMetadata existing, HasMetadata desired) {
    return existing instanceof StatefulSet running
        && desired instanceof StatefulSet wanted
        && !Objects.equals(running.getSpec().getReplicas(), wanted.getSpec().getReplicas());
  }

  /**
   * Map entries in key order: labels built with {@code Map.of} iterate in an order that differs
   * from one JVM to the next, which made a restarted operator see every child as changed.
   */
  private static final ObjectMapper CANONICAL =
      Serialization.jsonMapper().copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  static String hash(HasMetadata desired) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(CANONICAL.writeValueAsBytes(desired));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
