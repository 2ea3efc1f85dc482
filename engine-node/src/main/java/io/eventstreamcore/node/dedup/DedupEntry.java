package io.eventstreamcore.node.dedup;

/**
 * A dedup table value, kept as a {@code long[]} so Hazelcast stores it with its built-in
 * serializer: either CLAIMED {0, term, batch id, claim time} by a batch on its way through Raft, or
 * STORED {1, offset} once that batch was applied; or UNKNOWN {2}, the answer of a bucket that does
 * not hold the window's records yet ({@link IdBucket}).
 */
final class DedupEntry {
  /** The first long of an UNKNOWN answer, which {@link Claim} also writes into its rows. */
  static final long UNKNOWN = 2;

  private DedupEntry() {}

  static long[] claimed(long term, long batchId, long atMillis) {
    return new long[] {0, term, batchId, atMillis};
  }

  static long[] stored(long offset) {
    return new long[] {1, offset};
  }

  static long[] unknown() {
    return new long[] {UNKNOWN};
  }

  static boolean isUnknown(long[] e) {
    return e[0] == UNKNOWN;
  }

  static boolean isStored(long[] e) {
    return e[0] == 1;
  }

  static long offset(long[] e) {
    return e[1];
  }

  static long term(long[] e) {
    return e[1];
  }

  static long batch(long[] e) {
    return e[2];
  }

  static long claimedAt(long[] e) {
    return e[3];
  }
}
