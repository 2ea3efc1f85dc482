package io.eventstreamcore.node.replication;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What {@link EventStateMachine#applyTransaction} answers the submitter of a batch: the offsets its
 * events were stored at, or why it was not stored. Every replica computes it from the entry alone.
 */
public final class AppendResult {
  private AppendResult() {}

  static byte[] encode(long[] offsets) {
    ByteBuffer b = ByteBuffer.allocate(1 + 8 * offsets.length);
    b.put(STORED);
    for (long o : offsets) {
      b.putLong(o);
    }
    return b.array();
  }

  private static final byte STORED = 0;
  private static final byte CORRUPT = 1;
  private static final byte ADMITTED_IN_ANOTHER_TERM = 2;

  /** The batch was not stored and its events may be sent again. */
  public static final class AdmittedInAnotherTerm extends RuntimeException {
    AdmittedInAnotherTerm(String message) {
      super(message);
    }
  }

  static byte[] corrupt(String reason) {
    return refusal(CORRUPT, reason);
  }

  static byte[] admittedInAnotherTerm(String reason) {
    return refusal(ADMITTED_IN_ANOTHER_TERM, reason);
  }

  private static byte[] refusal(byte kind, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(1 + text.length).put(kind).put(text).array();
  }

  /**
   * @return offsets of the batch's events in order
   * @throws EventBatch.CorruptBatchException when the batch was rejected at apply
   * @throws AdmittedInAnotherTerm when the batch was skipped at apply
   */
  public static long[] decode(ByteBuffer reply) {
    byte kind = reply.get(reply.position());
    if (kind != STORED) {
      byte[] text = new byte[reply.remaining() - 1];
      reply.duplicate().position(reply.position() + 1).get(text);
      String reason = new String(text, StandardCharsets.UTF_8);
      throw kind == ADMITTED_IN_ANOTHER_TERM
          ? new AdmittedInAnotherTerm(reason)
          : new EventBatch.CorruptBatchException(reason);
    }
    long[] offsets = new long[(reply.remaining() - 1) / 8];
    ByteBuffer b = reply.duplicate().position(reply.position() + 1);
    for (int i = 0; i < offsets.length; i++) {
      offsets[i] = b.getLong();
    }
    return offsets;
  }
}
