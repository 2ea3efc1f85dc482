package io.eventstreamcore.node.dedup;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of one table call (and a value each, where the call stores some), ordered by bucket: an
 * entry processor runs once per bucket and finds that bucket's keys by binary search, so one
 * processor serves a whole batch in one round trip.
 */
final class BucketedKeys {
  private final long[] hi;
  private final long[] lo;
  private final long[] values;

  /**
   * @param values one per key, or null
   */
  BucketedKeys(List<DedupKey> keys, long[] values) {
    this.hi = new long[keys.size()];
    this.lo = new long[keys.size()];
    this.values = values == null ? null : new long[keys.size()];
    // A counting sort: with 64 buckets it orders a batch without boxing or comparing.
    int[] next = new int[DedupKey.BUCKETS + 1];
    for (DedupKey k : keys) {
      next[k.bucket() + 1]++;
    }
    for (int b = 0; b < DedupKey.BUCKETS; b++) {
      next[b + 1] += next[b];
    }
    for (int i = 0; i < keys.size(); i++) {
      DedupKey k = keys.get(i);
      int at = next[k.bucket()]++;
      hi[at] = k.hi();
      lo[at] = k.lo();
      if (values != null) {
        this.values[at] = values[i];
      }
    }
  }

  private BucketedKeys(long[] hi, long[] lo, long[] values) {
    this.hi = hi;
    this.lo = lo;
    this.values = values;
  }

  DedupKey key(int i) {
    return new DedupKey(hi[i], lo[i]);
  }

  long hi(int i) {
    return hi[i];
  }

  long lo(int i) {
    return lo[i];
  }

  long value(int i) {
    return values[i];
  }

  Set<Integer> bucketIds() {
    Set<Integer> ids = new LinkedHashSet<>();
    for (long h : hi) {
      ids.add(DedupKey.bucket(h));
    }
    return ids;
  }

  /** The first index of the bucket's keys; they run up to {@link #end}. */
  int start(int bucket) {
    int low = 0;
    int high = hi.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (DedupKey.bucket(hi[mid]) < bucket) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  int end(int bucket) {
    return start(bucket + 1);
  }

  void writeTo(ObjectDataOutput out) throws IOException {
    out.writeLongArray(hi);
    out.writeLongArray(lo);
    out.writeLongArray(values);
  }

  static BucketedKeys readFrom(ObjectDataInput in) throws IOException {
    return new BucketedKeys(in.readLongArray(), in.readLongArray(), in.readLongArray());
  }
}
