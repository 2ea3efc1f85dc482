package io.eventstreamcore.node.replication;

import io.eventstreamcore.protocol.NodeRole;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Gets a follower out of the state Ratis 3.3.0 leaves it in when the group's leader changed while
 * it formed (docs/decisions/0017-founding-log-reset.md). The follower holds a founding entry at
 * index 0 from another term than the leader's. A heartbeat that carries no previous entry makes it
 * commit that entry anyway (Ratis bounds the commit by index 0 instead of -1 when there is no
 * previous entry), and from then on it refuses both the leader's entry 0 ("already committed") and
 * entry 1 ("previous not found"): the leader sees it answer at match index -1 forever.
 *
 * <p>Such a follower has committed nothing but that configuration entry and stored no event, so
 * nothing anyone was acknowledged can be lost by dropping its log: the leader then sends the whole
 * log from index 0. Its term and vote (raft-meta) are kept, so it cannot vote twice in a term.
 */
final class FoundingLogReset {
  private FoundingLogReset() {}

  /**
   * Why this node's log must not be dropped, or empty when it may.
   *
   * @param commitIndex the last index this node has committed
   * @param appliedIndex the last index its state machine applied
   * @param holdsData whether it stored any record or took a snapshot
   */
  static Optional<String> refusal(
      NodeRole role, long commitIndex, long appliedIndex, boolean holdsData) {
    if (role != NodeRole.FOLLOWER) {
      return Optional.of("this node is " + role + ", not a follower");
    }
    if (commitIndex < 0) {
      return Optional.of(
          "this node committed nothing: the leader's appends can still replace what it holds");
    }
    if (commitIndex > 0 || appliedIndex > 0) {
      return Optional.of(
          "this node committed through index "
              + commitIndex
              + " and applied through "
              + appliedIndex
              + ": more than the founding entry");
    }
    if (holdsData) {
      return Optional.of("this node holds stored records or a snapshot");
    }
    return Optional.empty();
  }

  /**
   * Deletes the log segments of a stopped Raft server's storage directory ({@code current}) and the
   * snapshots beside it ({@code sm}), and keeps its term, vote and configuration.
   *
   * <p>The snapshots go too because Ratis snapshots a state machine when it stops: closing the
   * server to drop its log leaves a snapshot of the diverged founding entry (index 0, the wrong
   * term). Started on it, the node counts index 0 as committed again and refuses the leader's entry
   * 0 as before. {@link #refusal} has made sure no snapshot existed before the stop, so these hold
   * nothing but that entry.
   */
  static void dropLogAndSnapshots(File current) throws IOException {
    deleteAll(current, name -> name.startsWith("log_"));
    File snapshots = new File(current.getParentFile(), "sm");
    if (snapshots.isDirectory()) {
      deleteAll(snapshots, name -> name.startsWith("snapshot."));
    }
  }

  private static void deleteAll(File dir, Predicate<String> named) throws IOException {
    File[] files = dir.listFiles((d, name) -> named.test(name));
    if (files == null) {
      throw new IOException("cannot list " + dir);
    }
    for (File file : files) {
      Files.delete(file.toPath());
    }
  }
}
