package io.eventstreamcore.node.dedup;

import io.eventstreamcore.protocol.EventCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * An event's identity for dedup: its topic and its id (the same id on another topic is another
 * event, docs/operations.md), kept as 128 bits of their SHA-256 so that every entry of the table
 * has the same small size. Two identities share a key with probability about n²/2¹²⁹ for n ids in a
 * window: for a billion ids, 10⁻²¹.
 */
record DedupKey(long hi, long lo) {
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JDK has SHA-256", e);
            }
          });

  static DedupKey of(ByteBuffer event) {
    return of(EventCodec.topicOf(event), event);
  }

  /** For callers that decoded the topic already. */
  static DedupKey of(String topic, ByteBuffer event) {
    MessageDigest sha = SHA256.get();
    sha.update(topic.getBytes(StandardCharsets.UTF_8));
    // The topic cannot contain a NUL byte, so this separator keeps topic and id apart.
    sha.update((byte) 0);
    sha.update(EventCodec.idOf(event));
    ByteBuffer digest = ByteBuffer.wrap(sha.digest());
    // An all-zero key marks an empty slot in an IdTable; the low bit set rules it out.
    return new DedupKey(digest.getLong(), digest.getLong() | 1);
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
