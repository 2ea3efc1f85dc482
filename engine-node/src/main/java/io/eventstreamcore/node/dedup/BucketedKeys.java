package io.eventstreamcore.node.dedup;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import java.io.IOException;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

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
    Integer[] order =
        IntStream.range(0, keys.size())
            .boxed()
            .sorted(Comparator.comparingInt(i -> keys.get(i).bucket()))
            .toArray(Integer[]::new);
    this.hi = new long[order.length];
    this.lo = new long[order.length];
    this.values = values == null ? null : new long[order.length];
    for (int i = 0; i < order.length; i++) {
      DedupKey k = keys.get(order[i]);
      hi[i] = k.hi();
      lo[i] = k.lo();
      if (values != null) {
        this.values[i] = values[order[i]];
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
      ids.add(bucketOf(h));
    }
    return ids;
  }

  /** The first index of the bucket's keys; they run up to {@link #end}. */
  int start(int bucket) {
    int low = 0;
    int high = hi.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (bucketOf(hi[mid]) < bucket) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  int end(int bucket) {
    int i = start(bucket);
    while (i < hi.length && bucketOf(hi[i]) == bucket) {
      i++;
    }
    return i;
  }

  private static int bucketOf(long h) {
    return DedupKey.bucket(h);
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
