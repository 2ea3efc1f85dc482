package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.EngineStatefulSet;
import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The storage step of a reconciliation. An API server refuses any update of a StatefulSet that
 * changes its volume claim templates, and the operator used to send the whole StatefulSet: one edit
 * of {@code spec.storage} made every later reconcile of that cluster fail before its status and
 * recovery ran. Now the templates of a running StatefulSet are never changed; a larger size grows
 * each member's claim in place where its storage class allows expansion, and what cannot be done
 * (shrinking, another class, a class without expansion) is said in the {@code Storage} condition
 * while everything else keeps reconciling.
 */
final class StorageChange {
  static final String CONDITION = "Storage";

  private final KubernetesClient client;

  StorageChange(KubernetesClient client) {
    this.client = client;
  }

  /** What to apply, and the state of the volumes for the status. */
  record Outcome(StatefulSet toApply, boolean inSync, String reason, String message) {}

  Outcome reconcile(EventCluster ec, StatefulSet existing, StatefulSet desired) {
    EventClusterSpec.Storage wanted = ec.getSpec().storage;
    if (existing == null) {
      return new Outcome(desired, true, "Matches", "volumes as the spec asks");
    }
    PersistentVolumeClaim template = dataTemplate(existing);
    desired.getSpec().setVolumeClaimTemplates(existing.getSpec().getVolumeClaimTemplates());
    String className = template.getSpec().getStorageClassName();
    if (wanted.storageClass != null && !wanted.storageClass.equals(className)) {
      return new Outcome(
          desired,
          false,
          "StorageClassUnchangeable",
          "the volumes stay on storage class "
              + (className == null ? "(cluster default)" : className)
              + ": a StatefulSet cannot move its volumes to '"
              + wanted.storageClass
              + "'; set it back, or create a new EventCluster on that class and move the data");
    }
    BigDecimal size = Quantity.getAmountInBytes(new Quantity(wanted.size));
    List<PersistentVolumeClaim> claims = claims(ec, existing);
    Optional<PersistentVolumeClaim> larger =
        claims.stream().filter(c -> requested(c).compareTo(size) > 0).findFirst();
    if (larger.isPresent()) {
      return new Outcome(
          desired,
          false,
          "ShrinkRefused",
          "volume "
              + larger.get().getMetadata().getName()
              + " has "
              + requestedText(larger.get())
              + ", more than storage.size "
              + wanted.size
              + ": volumes cannot shrink; set storage.size back");
    }
    List<PersistentVolumeClaim> smaller =
        claims.stream().filter(c -> requested(c).compareTo(size) < 0).toList();
    if (smaller.isEmpty()) {
      return new Outcome(desired, true, "Matches", "volumes as the spec asks");
    }
    if (!expandable(className)) {
      return new Outcome(
          desired,
          false,
          "ExpansionNotAllowed",
          "storage class "
              + (className == null ? "(cluster default)" : className)
              + " does not allow volume expansion; the volumes keep their size");
    }
    for (PersistentVolumeClaim c : smaller) {
      client
          .persistentVolumeClaims()
          .inNamespace(ec.getMetadata().getNamespace())
          .withName(c.getMetadata().getName())
          .edit(
              pvc ->
                  new PersistentVolumeClaimBuilder(pvc)
                      .editSpec()
                      .editResources()
                      .addToRequests("storage", new Quantity(wanted.size))
                      .endResources()
                      .endSpec()
                      .build());
    }
    return new Outcome(
        desired,
        false,
        "Expanding",
        "growing " + smaller.size() + " volume(s) to " + wanted.size + " in place");
  }

  private static PersistentVolumeClaim dataTemplate(StatefulSet sts) {
    return sts.getSpec().getVolumeClaimTemplates().stream()
        .filter(t -> EngineStatefulSet.DATA_VOLUME.equals(t.getMetadata().getName()))
        .findFirst()
        .orElseThrow();
  }

  /** The members' claims that exist, one per pod the StatefulSet has: one list call. */
  private List<PersistentVolumeClaim> claims(EventCluster ec, StatefulSet sts) {
    Set<String> names =
        IntStream.range(0, sts.getSpec().getReplicas())
            .mapToObj(i -> EngineStatefulSet.DATA_VOLUME + "-" + Names.cluster(ec) + "-" + i)
            .collect(Collectors.toSet());
    return client
        .persistentVolumeClaims()
        .inNamespace(ec.getMetadata().getNamespace())
        .withLabels(Names.selector(ec))
        .list()
        .getItems()
        .stream()
        .filter(c -> names.contains(c.getMetadata().getName()) && storageRequest(c) != null)
        .toList();
  }

  private boolean expandable(String className) {
    List<StorageClass> classes = client.storage().v1().storageClasses().list().getItems();
    return classes.stream()
        .filter(c -> className == null ? isDefault(c) : className.equals(c.getMetadata().getName()))
        .anyMatch(c -> Boolean.TRUE.equals(c.getAllowVolumeExpansion()));
  }

  private static boolean isDefault(StorageClass c) {
    return Optional.ofNullable(c.getMetadata().getAnnotations())
        .map(a -> a.get("storageclass.kubernetes.io/is-default-class"))
        .filter("true"::equals)
        .isPresent();
  }

  private static Quantity storageRequest(PersistentVolumeClaim c) {
    return Optional.ofNullable(c.getSpec())
        .map(PersistentVolumeClaimSpec::getResources)
        .map(VolumeResourceRequirements::getRequests)
        .map(r -> r.get("storage"))
        .orElse(null);
  }

  private static BigDecimal requested(PersistentVolumeClaim c) {
    return Quantity.getAmountInBytes(storageRequest(c));
  }

  private static String requestedText(PersistentVolumeClaim c) {
    return String.valueOf(storageRequest(c));
  }
}
