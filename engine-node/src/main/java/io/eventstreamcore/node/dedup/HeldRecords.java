package io.eventstreamcore.node.dedup;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A follower's records of the batches it applied, held instead of written: the leader writes the
 * same records and stamps each batch with the log index its records are written through, so a
 * follower drops what a stamp covers. What is still held when a term starts is the part of the log
 * the old leader may have died before recording; whoever leads the new term writes it.
 *
 * <p>Not thread-safe: {@link DedupMarker} holds its lock around every call.
 */
final class HeldRecords {
  /**
   * Heap per held record: the key object (two longs), its list slot and its offset. Only the keys
   * are held, not the events: they were hashed at apply for this node's filters anyway.
   */
  private static final long BYTES_PER_RECORD = 48;

  /** An entry's records as applied: each key with its offset. */
  private record Held(
      long index, List<DedupKey> keys, long[] offsets, CompletableFuture<Void> done) {
    long bytes() {
      return BYTES_PER_RECORD * keys.size();
    }
  }

  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private long bytes;

  /**
   * Holds one applied entry's records; the future completes when a stamp covers them or once this
   * node has written them.
   */
  CompletableFuture<Void> hold(long index, List<DedupKey> keys, long[] offsets) {
    Held h = new Held(index, keys, offsets, new CompletableFuture<>());
    held.add(h);
    bytes += h.bytes();
    return h.done();
  }

  /** Drops the records of entries up to {@code index}: the leader has written them. */
  void coveredThrough(long index) {
    while (!held.isEmpty() && held.peek().index() <= index) {
      Held h = held.poll();
      bytes -= h.bytes();
      h.done().complete(null);
    }
  }

  boolean isEmpty() {
    return held.isEmpty();
  }

  /** The held records' heap. */
  long bytes() {
    return bytes;
  }

  /**
   * Takes every held record, to be written by this node; each entry's future completes with {@code
   * written}. Later entries' records replace earlier ones of the same key.
   */
  Map<DedupKey, Long> takeAll(CompletableFuture<Void> written) {
    Map<DedupKey, Long> all = new HashMap<>();
    for (Held h : held) {
      for (int i = 0; i < h.keys().size(); i++) {
        all.put(h.keys().get(i), h.offsets()[i]);
      }
      written.whenComplete((ok, error) -> h.done().complete(null));
    }
    held.clear();
    bytes = 0;
    return all;
  }
}
