package io.eventstreamcore.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/** What the operator asks of the engine pods it lists. */
final class Pods {
  /** The label the StatefulSet controller puts on a pod: the revision it was made from. */
  static final String REVISION = "controller-revision-hash";

  private Pods() {}

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getMetadata().getDeletionTimestamp() == null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Whether the pod of that name exists and is ready (engines' node ids are their pod names). */
  static boolean ready(List<Pod> pods, String name) {
    return pods.stream().anyMatch(p -> p.getMetadata().getName().equals(name) && ready(p));
  }

  static String revision(Pod pod) {
    return pod.getMetadata().getLabels() == null
        ? null
        : pod.getMetadata().getLabels().get(REVISION);
  }
}
