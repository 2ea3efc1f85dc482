package io.eventstreamcore.node.dedup;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;

/**
 * The keys this node applied within the dedup window, in Bloom filters: when they say a key was
 * never applied, that is certain, so the leader admits it without asking the table; only a key they
 * may have seen (a retry, or about one new key in 3,000) costs a table round trip. Every replica
 * keeps its own, from the events it applies, so a new leader has one that covers the log.
 *
 * <p>The filters are blocked: all of a key's bits lie in one 64-byte cache line, picked and set by
 * the key's own bits (they are SHA-256 already), so adding or testing a key costs one cache miss
 * per generation. Guava's {@code BloomFilter}, which rehashes and scatters 13 bits over the whole
 * array, took a quarter of a busy leader's CPU.
 *
 * <p>Keys go into the newest of a few generations, each a quarter of the window or a capacity long;
 * a generation is dropped once its last key is older than the window and a margin, so the filters
 * forget a key no sooner than the table does. A new generation's capacity follows the rate seen in
 * the last one, so a generation stays near its false-positive rate however fast ids come.
 *
 * <p>The filters can be trusted only when they hold every key applied within the window: not while
 * a restarted node or one that jumped to a snapshot reads its log back in ({@link RecentIdsFill}).
 */
final class RecentIds {
  /**
   * Bits per key at capacity, and bits set per key: about one new key in 20,000 is a false "maybe"
   * per full generation.
   */
  static final int BITS_PER_KEY = 24;

  private static final int PROBES = 10;
  private static final int BLOCK_BITS = 512;

  /**
   * Keys are applied here before their record reaches the table, whose window counts from the
   * record: the margin keeps the filters from forgetting a key the table still holds.
   */
  static final long MARGIN_MILLIS = 30_000;

  static final long MIN_CAPACITY = 1 << 16;
  private static final long MAX_CAPACITY = 1L << 30;
  private static final int SLICES = 4;

  private static final class Generation {
    final long[] bits;
    final int blocks;
    final long capacity;
    final long startedAt;
    long count;
    long endedAt = Long.MAX_VALUE;

    Generation(long capacity, long startedAt) {
      this.blocks = (int) (capacity * BITS_PER_KEY / BLOCK_BITS);
      this.bits = new long[blocks * (BLOCK_BITS / 64)];
      this.capacity = capacity;
      this.startedAt = startedAt;
    }

    void put(DedupKey key) {
      int base = firstLong(key);
      for (int i = 0; i < PROBES; i++) {
        int bit = probe(key, i);
        bits[base + (bit >>> 6)] |= 1L << bit;
      }
    }

    boolean mightContain(DedupKey key) {
      int base = firstLong(key);
      for (int i = 0; i < PROBES; i++) {
        int bit = probe(key, i);
        if ((bits[base + (bit >>> 6)] & (1L << bit)) == 0) {
          return false;
        }
      }
      return true;
    }

    /** The key's block, from its high word's top half. */
    private int firstLong(DedupKey key) {
      return (int) (((key.hi() >>> 32) * blocks) >>> 32) * (BLOCK_BITS / 64);
    }

    /**
     * A bit within the block: seven from the low word (whose lowest bit is always set), three from
     * the high word's bottom half.
     */
    private static int probe(DedupKey key, int i) {
      long word = i < 7 ? key.lo() >>> (1 + 9 * i) : key.hi() >>> (9 * (i - 7));
      return (int) (word & (BLOCK_BITS - 1));
    }

    long bytes() {
      return 8L * bits.length;
    }
  }

  private final long windowMillis;
  private final long maxKeys;
  private final ArrayDeque<Generation> generations = new ArrayDeque<>();
  private long count;
  private long trustedFrom = Long.MAX_VALUE;
  private long distrusted;

  /**
   * @param maxKeys beyond this many the oldest generation goes before its time: set above what the
   *     table can hold, which drops keys early itself then
   */
  RecentIds(long windowMillis, long maxKeys, long nowMillis) {
    this.windowMillis = windowMillis;
    this.maxKeys = maxKeys;
    generations.add(new Generation(MIN_CAPACITY, nowMillis));
  }

  synchronized void add(Collection<DedupKey> keys, long nowMillis) {
    Generation newest = generations.getLast();
    if (newest.count + keys.size() > newest.capacity
        || nowMillis - newest.startedAt >= windowMillis / SLICES) {
      newest = startGeneration(newest, nowMillis);
    }
    for (DedupKey k : keys) {
      newest.put(k);
    }
    newest.count += keys.size();
    count += keys.size();
  }

  private Generation startGeneration(Generation full, long nowMillis) {
    full.endedAt = nowMillis;
    long sliceMillis = Math.max(1, windowMillis / SLICES);
    long perSlice = full.count * sliceMillis / Math.max(1, nowMillis - full.startedAt);
    Generation next =
        new Generation(
            Math.max(MIN_CAPACITY, Math.min(maxKeys, perSlice + perSlice / 2)), nowMillis);
    generations.add(next);
    while (generations.size() > 1
        && (generations.getFirst().endedAt < nowMillis - windowMillis - MARGIN_MILLIS
            || count > maxKeys)) {
      count -= generations.removeFirst().count;
    }
    return next;
  }

  /** Per key: false only for a key certainly not applied here within the window. */
  synchronized boolean[] mightHave(List<DedupKey> keys) {
    boolean[] maybe = new boolean[keys.size()];
    for (int i = 0; i < maybe.length; i++) {
      for (Generation g : generations) {
        if (g.mightContain(keys.get(i))) {
          maybe[i] = true;
          break;
        }
      }
    }
    return maybe;
  }

  /** Whether the filters hold every key applied here within the window up to now. */
  synchronized boolean trusted(long nowMillis) {
    return trustedFrom <= nowMillis - windowMillis;
  }

  /**
   * Stops trusting the filters until the fill this starts calls {@link #trustFrom}.
   *
   * @return the fill's ticket
   */
  synchronized long distrust() {
    trustedFrom = Long.MAX_VALUE;
    return ++distrusted;
  }

  /**
   * The filters hold every key applied since {@code millis}, unless a later fill was started since
   * the one holding {@code ticket}.
   */
  synchronized void trustFrom(long millis, long ticket) {
    if (ticket == distrusted) {
      trustedFrom = millis;
    }
  }

  synchronized long bytes() {
    return generations.stream().mapToLong(Generation::bytes).sum();
  }
}
