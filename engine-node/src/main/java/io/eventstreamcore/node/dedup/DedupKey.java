package io.eventstreamcore.node.dedup;

import io.eventstreamcore.protocol.EventCodec;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An event's identity for dedup: its topic and its id (the same id on another topic is another
 * event, docs/operations.md), kept as 128 bits of their SHA-256 so that every entry of the table
 * has the same small size. Two identities share a key with probability about n²/2¹²⁹ for n ids in a
 * window: for a billion ids, 10⁻²¹.
 */
record DedupKey(long hi, long lo) {
  /** A thread's digest and the array its result goes to, reused for every key it hashes. */
  private static final class Hasher {
    final MessageDigest sha;
    final byte[] digest = new byte[32];

    Hasher() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-256", e);
      }
    }
  }

  private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);

  private static final VarHandle LONG_AT =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** The key of a validated event: its topic's bytes, a NUL, its id's bytes, hashed. */
  static DedupKey of(ByteBuffer event) {
    Hasher h = HASHER.get();
    h.sha.update(EventCodec.topicView(event));
    // The topic cannot contain a NUL byte, so this separator keeps topic and id apart.
    h.sha.update((byte) 0);
    h.sha.update(EventCodec.idView(event));
    try {
      h.sha.digest(h.digest, 0, h.digest.length);
    } catch (DigestException e) {
      throw new IllegalStateException("SHA-256 fills 32 bytes", e);
    }
    // An all-zero key marks an empty slot in an IdTable; the low bit set rules it out.
    return new DedupKey((long) LONG_AT.get(h.digest, 0), (long) LONG_AT.get(h.digest, 8) | 1);
  }

  // Written out because the record's own go through method handles, which showed in profiles of
  // the leader's hot path. The bits are SHA-256, so any 32 of them hash well.
  @Override
  public boolean equals(Object o) {
    return o instanceof DedupKey k && k.hi == hi && k.lo == lo;
  }

  @Override
  public int hashCode() {
    return (int) lo ^ (int) hi;
  }

  /**
   * The table's buckets: few enough that a write of many keys touches each bucket once, many enough
   * that a bucket of a long window stays a few MB to copy when it grows or moves to a new owner.
   */
  static final int BUCKETS = 64;

  /** Which of the table's buckets holds this key. */
  int bucket() {
    return bucket(hi);
  }

  static int bucket(long hi) {
    return (int) (hi >>> 58);
  }
}
