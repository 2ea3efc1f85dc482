package io.eventstreamcore.node.batching;

import io.eventstreamcore.node.replication.EventBatch;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftClientReply;

/**
 * Packs admitted batches into Raft log entries. Ratis pays per entry, not per event: protobuf
 * messages, a copy into its log buffer, a CRC32C, a gRPC message to each follower, a future per
 * entry on every node and a hand-off to each state machine (docs/benchmarks.md, "Where the time
 * goes"). So at most {@code maxEntries} entries are in Ratis at once; batches admitted meanwhile
 * wait here and go together as the next entry, in the order they were admitted. Under light load
 * every batch is an entry of its own at once; under load one entry carries many batches. A producer
 * still waits for its batch of 64 events / 1 ms, never for others to fill an entry. An entry
 * carries batches admitted in one leader term only: it is applied only if it enters the log in that
 * term ({@link EventBatch#admittedTerm}).
 */
final class RaftEntries {
  /**
   * Entries stay far below Ratis's appender buffer (4 MB) and gRPC message limits, and small enough
   * that a follower's apply of one does not hold up the next for long.
   */
  static final int MAX_ENTRY_BYTES = 1 << 20;

  static final int MAX_ENTRY_EVENTS = 2048;

  /** How the entry that carried a batch settled; {@code from} is its first event's place in it. */
  interface Settled {
    void settled(RaftClientReply reply, Throwable error, int from);
  }

  private record Waiting(
      long batchId, long term, List<ByteBuffer> events, int bytes, Settled settled) {}

  private final Function<byte[], CompletableFuture<RaftClientReply>> raft;
  private final LongSupplier recordedThrough;
  private final int maxEntries;
  private final long answerWithinMillis;
  private final Executor packer;

  // Touched on the packer thread alone: one thread submits, so entries reach Ratis in order, and
  // no lock of ours is held while Ratis's client holds its own (it completes replies under it).
  private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
  private int inRaft;

  /**
   * @param raft submits one encoded entry; its order of calls is the log's order
   * @param recordedThrough the dedup records' log index that an entry formed now carries
   * @param maxEntries entries in Ratis at once
   * @param answerWithinMillis how long an entry may take before its batches are answered TIMEOUT
   * @param packer runs every packing and submission, one task at a time
   */
  RaftEntries(
      Function<byte[], CompletableFuture<RaftClientReply>> raft,
      LongSupplier recordedThrough,
      int maxEntries,
      long answerWithinMillis,
      Executor packer) {
    this.packer = packer;
    this.raft = raft;
    this.recordedThrough = recordedThrough;
    this.maxEntries = maxEntries;
    this.answerWithinMillis = answerWithinMillis;
  }

  /**
   * Replicates {@code events} in the next entry that has room, after every batch added before.
   *
   * @param term the leader term in which the events were admitted
   */
  void add(long batchId, long term, List<ByteBuffer> events, Settled settled) {
    int bytes = 0;
    for (ByteBuffer e : events) {
      bytes += e.remaining();
    }
    Waiting w = new Waiting(batchId, term, events, bytes, settled);
    packer.execute(
        () -> {
          waiting.add(w);
          sendWhileRoom();
        });
  }

  /** Answers the batches not yet sent with {@code reason}; for a node that stops. */
  void failWaiting(Throwable reason) {
    packer.execute(
        () -> {
          while (!waiting.isEmpty()) {
            waiting.poll().settled().settled(null, reason, 0);
          }
        });
  }

  private void sendWhileRoom() {
    while (inRaft < maxEntries && !waiting.isEmpty()) {
      List<Waiting> entry = pack();
      inRaft++;
      send(entry);
    }
  }

  private List<Waiting> pack() {
    List<Waiting> entry = new ArrayList<>();
    int events = 0;
    int bytes = 0;
    while (!waiting.isEmpty()) {
      Waiting next = waiting.peek();
      boolean fits =
          events + next.events().size() <= MAX_ENTRY_EVENTS
              && bytes + next.bytes() <= MAX_ENTRY_BYTES
              && (entry.isEmpty() || next.term() == entry.get(0).term());
      if (!entry.isEmpty() && !fits) {
        break;
      }
      entry.add(waiting.poll());
      events += next.events().size();
      bytes += next.bytes();
    }
    return entry;
  }

  private void send(List<Waiting> entry) {
    List<ByteBuffer> events = new ArrayList<>();
    for (Waiting w : entry) {
      events.addAll(w.events());
    }
    // The entry goes under its first batch's id: ids only name a batch's claims on the leader,
    // which the entry's apply settles by key, whichever batch made them.
    byte[] bytes =
        new EventBatch(
                entry.get(0).batchId(),
                System.currentTimeMillis(),
                recordedThrough.getAsLong(),
                entry.get(0).term(),
                events)
            .encode();
    CompletableFuture<RaftClientReply> reply;
    try {
      reply = raft.apply(bytes).orTimeout(answerWithinMillis, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      reply = CompletableFuture.failedFuture(e);
    }
    reply.whenComplete((r, error) -> settle(entry, r, error));
  }

  private void settle(List<Waiting> entry, RaftClientReply reply, Throwable error) {
    int from = 0;
    for (Waiting w : entry) {
      w.settled().settled(reply, error, from);
      from += w.events().size();
    }
    packer.execute(
        () -> {
          inRaft--;
          sendWhileRoom();
        });
  }
}
