package io.eventstreamcore.operator.reconcile;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What the operator asks of the engine pods it lists. */
final class Pods {
  /** The label the StatefulSet controller puts on a pod: the revision it was made from. */
  static final String REVISION = "controller-revision-hash";

  /**
   * How an engine whose Raft storage fails its checksums starts its termination message (the
   * engine's {@code UnreadableStorage.MESSAGE_PREFIX}).
   */
  static final String STORAGE_UNREADABLE = "esc: storage unreadable: ";

  private Pods() {}

  /**
   * The engine's own report that this pod's volume holds a Raft log it cannot read, from the
   * termination message of its current container, or of its last one while the current one does not
   * run (crash-looping); empty for a pod being deleted. A container that runs again after such a
   * message has read its storage since, so an old {@code lastState} never costs it its volume.
   */
  static Optional<String> storageUnreadable(Pod pod) {
    if (pod.getStatus() == null
        || pod.getStatus().getContainerStatuses() == null
        || pod.getMetadata().getDeletionTimestamp() != null) {
      return Optional.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .flatMap(Pods::terminations)
        .map(ContainerStateTerminated::getMessage)
        .filter(m -> m != null && m.startsWith(STORAGE_UNREADABLE))
        .findFirst();
  }

  private static Stream<ContainerStateTerminated> terminations(ContainerStatus c) {
    boolean runs = c.getState() != null && c.getState().getRunning() != null;
    return Stream.of(c.getState(), runs ? null : c.getLastState())
        .filter(s -> s != null && s.getTerminated() != null)
        .map(s -> s.getTerminated());
  }

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
