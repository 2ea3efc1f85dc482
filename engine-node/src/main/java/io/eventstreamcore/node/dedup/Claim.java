package io.eventstreamcore.node.dedup;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Runs on the member that owns a bucket: claims each of the batch's ids in it for the batch about
 * to be replicated, unless the id is already stored (then its entry is returned: a duplicate) or
 * claimed by a batch that may still commit. In a bucket not recorded through the index the leader
 * has written its records through ({@link IdBucket}) nothing is claimed and every id is answered
 * UNKNOWN. A claim left by an earlier term, or older than {@code staleAfterMillis}, belongs to a
 * batch that can no longer commit: a node only serves writes once every batch committed before its
 * term has been recorded as stored (see {@link DedupMarker}).
 *
 * <p>Returns the entries that kept an id from being claimed, as rows of {@link #ROW} longs: the
 * key's index in {@link BucketedKeys}, then the entry padded to four longs; null if every id was
 * claimed.
 */
final class Claim extends DedupSerializable implements EntryProcessor<Integer, IdBucket, long[]> {
  static final int ROW = 5;

  /**
   * Who claims and what the leader knows.
   *
   * @param recordedThrough the least a bucket must be recorded through to answer ({@link
   *     DedupMarker#askedThrough}): one recorded through less has missed some
   */
  record Request(long term, long batchId, long staleAfterMillis, long recordedThrough) {}

  private long term;
  private long batchId;
  private long staleAfterMillis;
  private long recordedThrough;
  private IdBucket.Limits limits;
  private BucketedKeys keys;

  /** For {@link DedupSerialization}. */
  Claim() {}

  Claim(Request request, IdBucket.Limits limits, BucketedKeys keys) {
    this.term = request.term();
    this.batchId = request.batchId();
    this.staleAfterMillis = request.staleAfterMillis();
    this.recordedThrough = request.recordedThrough();
    this.limits = limits;
    this.keys = keys;
  }

  @Override
  public long[] process(Map.Entry<Integer, IdBucket> entry) {
    IdBucket bucket = entry.getValue();
    int start = keys.start(entry.getKey());
    int end = keys.end(entry.getKey());
    long[] rows = new long[(end - start) * ROW];
    if (bucket == null || bucket.recordedThrough() < recordedThrough) {
      // Its absence of a key proves nothing; claiming nothing, it changes nothing either.
      for (int i = start; i < end; i++) {
        int at = (i - start) * ROW;
        rows[at] = i;
        rows[at + 1] = DedupEntry.UNKNOWN;
      }
      return rows;
    }
    int refused = 0;
    for (int i = start; i < end; i++) {
      long[] current = bucket.get(keys.hi(i), keys.lo(i), limits);
      if (blocks(current)) {
        int at = refused++ * ROW;
        rows[at] = i;
        System.arraycopy(current, 0, rows, at + 1, current.length);
      } else {
        bucket.put(
            keys.hi(i), keys.lo(i), DedupEntry.claimed(term, batchId, limits.nowMillis()), limits);
      }
    }
    if (refused < end - start) {
      entry.setValue(bucket);
    }
    return refused == 0 ? null : Arrays.copyOf(rows, refused * ROW);
  }

  private boolean blocks(long[] current) {
    if (current == null) {
      return false;
    }
    if (DedupEntry.isStored(current)) {
      return true;
    }
    boolean live =
        DedupEntry.term(current) >= term
            && limits.nowMillis() - DedupEntry.claimedAt(current) < staleAfterMillis;
    return live && DedupEntry.batch(current) != batchId;
  }

  /** The entry of one row of {@link #process}'s result. */
  static long[] entryOf(long[] rows, int row) {
    int at = row * ROW;
    if (rows[at + 1] == DedupEntry.UNKNOWN) {
      return DedupEntry.unknown();
    }
    return rows[at + 1] == 1
        ? DedupEntry.stored(rows[at + 2])
        : DedupEntry.claimed(rows[at + 2], rows[at + 3], rows[at + 4]);
  }

  @Override
  public int getClassId() {
    return DedupSerialization.CLAIM;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeLong(term);
    out.writeLong(batchId);
    out.writeLong(staleAfterMillis);
    out.writeLong(recordedThrough);
    limits.writeTo(out);
    keys.writeTo(out);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    term = in.readLong();
    batchId = in.readLong();
    staleAfterMillis = in.readLong();
    recordedThrough = in.readLong();
    limits = IdBucket.Limits.readFrom(in);
    keys = BucketedKeys.readFrom(in);
  }
}
