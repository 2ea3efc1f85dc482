package io.eventstreamcore.node.replication;

import java.nio.ByteBuffer;
import java.util.List;

/** Told of every log entry the state machine applied, in log order, on every replica. */
public interface ApplyListener {
  /**
   * @param recordedThrough the batch's {@link EventBatch#recordedThrough} (-1 for entries without)
   * @param events the batch's events (empty for entries that carry none)
   * @param offsets where each event was stored
   */
  void applied(
      long term, long index, long recordedThrough, List<ByteBuffer> events, long[] offsets);

  /**
   * The store was cut back to this replica's latest snapshot (or emptied, without one) as Raft
   * started or reloaded the state machine: what lies below is kept but not applied again.
   *
   * @param snapshotIndex the snapshot's last log index, -1 without one
   */
  void cutBack(long snapshotIndex);

  /** The store jumped to a snapshot copied from the leader, which has applied what lies below. */
  void caughtUp(long term, long index);

  ApplyListener NONE =
      new ApplyListener() {
        @Override
        public void applied(
            long term, long index, long recordedThrough, List<ByteBuffer> events, long[] offsets) {}

        @Override
        public void cutBack(long snapshotIndex) {}

        @Override
        public void caughtUp(long term, long index) {}
      };
}
