package io.eventstreamcore.node.dedup;

import io.eventstreamcore.node.replication.ApplyListener;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the dedup parts of each applied entry: first this node's filters, then its records, last
 * the leader's in-flight keys. {@link TableTriage} relies on that order: a key that left the
 * in-flight keys is found in the other two.
 */
final class AppliedEvents implements ApplyListener {
  private final RecentIds recent;
  private final RecentIdsFill fill;
  private final DedupMarker marker;
  private final InFlightIds inFlight;

  AppliedEvents(RecentIds recent, RecentIdsFill fill, DedupMarker marker, InFlightIds inFlight) {
    this.recent = recent;
    this.fill = fill;
    this.marker = marker;
    this.inFlight = inFlight;
  }

  @Override
  public void applied(
      long term, long index, long recordedThrough, List<ByteBuffer> events, long[] offsets) {
    List<DedupKey> keys = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      keys.add(DedupKey.of(events.get(i)));
    }
    long now = System.currentTimeMillis();
    if (!keys.isEmpty()) {
      recent.add(keys, now);
    }
    marker.applied(term, index, recordedThrough, keys, offsets);
    inFlight.applied(keys, now);
  }

  /**
   * The replay that follows applies only the log above the snapshot, so the filters are read from
   * the store's window now. Not earlier: a read under the cut lost topics to it and distrusted the
   * filters for a whole window; a node restarted with 300,000 events had untrusted filters for over
   * 45 s, so as a new leader it sent even fresh ids to the table, which answers only once the
   * previous term is recorded (failover-bench: about 450 ms at the median).
   */
  @Override
  public void cutBack(long snapshotIndex) {
    fill.request();
    marker.cutBack(snapshotIndex);
  }

  @Override
  public void caughtUp(long term, long index) {
    fill.request();
    marker.caughtUp(term, index);
  }
}
