package io.eventstreamcore.node.replication;

import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.ProtocolException;
import io.eventstreamcore.protocol.WireReader;
import io.eventstreamcore.protocol.WireWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One Raft log entry: a header (magic, version, batch id, creation time, recorded through, admitted
 * term, event count, CRC32C of the events) followed by the events in their wire encoding.
 *
 * @param recordedThrough the log index through which the leader's dedup records were written when
 *     it formed the batch (-1 if none): followers drop their copies of those records
 * @param admittedTerm the leader term in which dedup admitted the events ({@link
 *     Admission#ANY_TERM} if none did): every replica skips the entry if it entered the log in
 *     another term ({@link EventStateMachine})
 */
public record EventBatch(
    long batchId,
    long createdAt,
    long recordedThrough,
    long admittedTerm,
    List<ByteBuffer> events) {
  static final int MAGIC = 0x45534342; // "ESCB"
  static final int VERSION = 3;

  /**
   * Versions 1 and 2 had no admitted term, 1 no recorded-through index; their logs still replay.
   */
  private static final int VERSION_WITHOUT_ADMITTED_TERM = 2;

  private static final int VERSION_WITHOUT_RECORDED_THROUGH = 1;

  static final int HEADER_BYTES = 4 + 1 + 8 + 8 + 8 + 8 + 4 + 4;

  public byte[] encode() {
    int size = HEADER_BYTES;
    for (ByteBuffer e : events) {
      size += e.remaining();
    }
    WireWriter w = new WireWriter(size);
    w.i32(MAGIC).u8(VERSION).i64(batchId).i64(createdAt).i64(recordedThrough).i64(admittedTerm);
    w.i32(events.size()).i32(0);
    int eventsAt = w.position();
    for (ByteBuffer e : events) {
      w.raw(e);
    }
    CRC32C crc = new CRC32C();
    crc.update(w.array(), eventsAt, w.position() - eventsAt);
    w.putI32At(eventsAt - 4, (int) crc.getValue());
    // Sized exactly above, so the writer's own array is the entry: a copy of a whole entry (about
    // 1 MB at 1 KiB events) per entry less on the leader.
    byte[] written = w.array();
    return written.length == w.position() ? written : w.toByteArray();
  }

  /**
   * Decodes and verifies a batch. A batch that fails here was corrupted after the leader validated
   * it; every replica sees the same bytes, so every replica rejects it alike.
   */
  public static EventBatch decode(ByteBuffer bytes) {
    WireReader r = new WireReader(bytes.duplicate());
    if (r.size32("magic") != MAGIC) {
      throw new CorruptBatchException("bad batch magic");
    }
    int version = r.u8("version");
    if (version != VERSION
        && version != VERSION_WITHOUT_ADMITTED_TERM
        && version != VERSION_WITHOUT_RECORDED_THROUGH) {
      throw new CorruptBatchException("unknown batch version " + version);
    }
    long batchId = r.i64("batch id");
    long createdAt = r.i64("created at");
    long recordedThrough =
        version != VERSION_WITHOUT_RECORDED_THROUGH ? r.i64("recorded through") : -1;
    long admittedTerm = version == VERSION ? r.i64("admitted term") : Admission.ANY_TERM;
    int count = r.size32("event count");
    int expectedCrc = (int) r.u32("crc");
    CRC32C crc = new CRC32C();
    crc.update(r.buffer().duplicate());
    if ((int) crc.getValue() != expectedCrc) {
      throw new CorruptBatchException("batch " + batchId + " CRC32C does not match");
    }
    List<ByteBuffer> events = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        events.add(EventCodec.next(r));
      }
      r.expectEnd("batch");
    } catch (ProtocolException e) {
      throw new CorruptBatchException("batch " + batchId + ": " + e.getMessage());
    }
    return new EventBatch(batchId, createdAt, recordedThrough, admittedTerm, events);
  }

  /** A log entry that is not a well-formed batch. */
  public static final class CorruptBatchException extends RuntimeException {
    CorruptBatchException(String message) {
      super(message);
    }
  }
}
