package io.eventstreamcore.node.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.node.replication.EventBatch;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.ratis.protocol.RaftClientReply;
import org.junit.jupiter.api.Test;

class RaftEntriesTest {
  private static final long TERM = 5;

  /** Every entry handed to Raft, and its pending reply, in the order Raft got them. */
  private final List<EventBatch> sent = new ArrayList<>();

  private final List<CompletableFuture<RaftClientReply>> replies = new ArrayList<>();
  private final List<String> settled = new ArrayList<>();

  private RaftEntries entries(int maxEntries) {
    return new RaftEntries(
        bytes -> {
          sent.add(EventBatch.decode(ByteBuffer.wrap(bytes)));
          CompletableFuture<RaftClientReply> reply = new CompletableFuture<>();
          replies.add(reply);
          return reply;
        },
        () -> 17,
        maxEntries,
        60_000,
        Runnable::run);
  }

  private RaftEntries.Settled note(String batch) {
    return (reply, error, from) ->
        settled.add(batch + "@" + from + (error == null ? "" : " " + error.getMessage()));
  }

  @Test
  void underTheLimitEachBatchIsAnEntryAtOnce() {
    RaftEntries entries = entries(2);
    entries.add(1, TERM, events("a", 3), note("a"));
    entries.add(2, TERM, events("b", 2), note("b"));

    assertThat(sent).hasSize(2);
    assertThat(ids(sent.get(0))).containsExactly("a0", "a1", "a2");
    assertThat(sent.get(0).batchId()).isEqualTo(1);
    assertThat(sent.get(0).recordedThrough()).isEqualTo(17);
    assertThat(ids(sent.get(1))).containsExactly("b0", "b1");
  }

  @Test
  void batchesAdmittedWhileTheLimitIsOutShareTheNextEntryInOrder() {
    RaftEntries entries = entries(1);
    entries.add(1, TERM, events("a", 2), note("a"));
    entries.add(2, TERM, events("b", 3), note("b"));
    entries.add(3, TERM, events("c", 1), note("c"));
    assertThat(sent).hasSize(1);

    replies.get(0).complete(null);

    assertThat(sent).hasSize(2);
    assertThat(ids(sent.get(1))).containsExactly("b0", "b1", "b2", "c0");
    assertThat(sent.get(1).batchId()).isEqualTo(2);
    replies.get(1).complete(null);
    // Each batch learns where its events are in the entry that carried it.
    assertThat(settled).containsExactly("a@0", "b@0", "c@3");
  }

  @Test
  void anEntryCarriesBatchesOfOneAdmittedTermOnly() {
    RaftEntries entries = entries(1);
    entries.add(1, TERM, events("a", 1), note("a"));
    entries.add(2, TERM, events("b", 1), note("b"));
    entries.add(3, TERM + 2, events("c", 1), note("c"));
    entries.add(4, TERM + 2, events("d", 1), note("d"));

    replies.get(0).complete(null);
    replies.get(1).complete(null);

    assertThat(sent).extracting(EventBatch::admittedTerm).containsExactly(TERM, TERM, TERM + 2);
    assertThat(ids(sent.get(1))).containsExactly("b0");
    assertThat(ids(sent.get(2))).containsExactly("c0", "d0");
  }

  @Test
  void anEntryHoldsAtMostItsEventLimitAndTheRestFollows() {
    RaftEntries entries = entries(1);
    entries.add(1, TERM, events("a", 1), note("a"));
    int half = RaftEntries.MAX_ENTRY_EVENTS / 2;
    entries.add(2, TERM, events("b", half), note("b"));
    entries.add(3, TERM, events("c", half), note("c"));
    entries.add(4, TERM, events("d", 1), note("d"));

    replies.get(0).complete(null);
    assertThat(sent.get(1).events()).hasSize(RaftEntries.MAX_ENTRY_EVENTS);
    replies.get(1).complete(null);
    assertThat(ids(sent.get(2))).containsExactly("d0");
  }

  @Test
  void aFailedEntryFailsEveryBatchItCarried() {
    RaftEntries entries = entries(1);
    entries.add(1, TERM, events("a", 1), note("a"));
    entries.add(2, TERM, events("b", 1), note("b"));
    entries.add(3, TERM, events("c", 1), note("c"));

    replies.get(0).complete(null);
    replies.get(1).completeExceptionally(new IOException("not the leader"));

    assertThat(settled).containsExactly("a@0", "b@0 not the leader", "c@1 not the leader");
  }

  @Test
  void batchesNotYetSentAreAnsweredWhenTheNodeStops() {
    RaftEntries entries = entries(1);
    entries.add(1, TERM, events("a", 1), note("a"));
    entries.add(2, TERM, events("b", 1), note("b"));

    entries.failWaiting(new IOException("stopping"));

    assertThat(settled).containsExactly("b@0 stopping");
    assertThat(sent).hasSize(1);
  }

  private static List<ByteBuffer> events(String prefix, int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                ByteBuffer.wrap(
                    EventCodec.encode(
                        new Event(
                            (prefix + i).getBytes(StandardCharsets.UTF_8),
                            "orders",
                            Priority.MEDIUM,
                            1L,
                            List.of(),
                            new byte[] {1}))))
        .toList();
  }

  private static List<String> ids(EventBatch batch) {
    return batch.events().stream()
        .map(e -> new String(EventCodec.decode(e.duplicate()).id(), StandardCharsets.UTF_8))
        .toList();
  }
}
