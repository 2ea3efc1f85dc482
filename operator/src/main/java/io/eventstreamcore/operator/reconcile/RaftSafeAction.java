package io.eventstreamcore.operator.reconcile;

/** One kind of change the operator makes to a running cluster, only while Raft stays safe. */
interface RaftSafeAction {
  /** What came of looking at the cluster. */
  enum Outcome {
    /** Acted: no other action this reconciliation, and look again soon. */
    ACTED,
    /** Needed but not safe now: no other action may run before it either. */
    HELD,
    /** Not needed: the next action may look. */
    NOT_NEEDED
  }

  Outcome consider(ClusterState state);
}
