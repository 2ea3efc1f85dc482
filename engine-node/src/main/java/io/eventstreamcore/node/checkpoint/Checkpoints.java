package io.eventstreamcore.node.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eventstreamcore.node.ingest.IngestService;
import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.NodeRole;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.WireReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Named values the engine keeps through the Raft log: processor positions and state, the
 * dead-letter queue's purge mark. Each write is one event in {@link #TOPIC} that carries every
 * value, so the newest event is the whole state; snapshots and catch-up carry it like any topic,
 * and a new leader reads it from its own store.
 */
public final class Checkpoints {
  public static final String TOPIC = "_checkpoints";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventStore store;
  private final IngestService ingest;
  private final RaftNode raft;
  private final String nodeId;

  /** The values as the latest write (committed or not) set them, for the term they were read in. */
  private ObjectNode view;

  private long viewTerm = -1;
  private long sequence;

  public Checkpoints(EventStore store, IngestService ingest, RaftNode raft, String nodeId) {
    this.store = store;
    this.ingest = ingest;
    this.raft = raft;
    this.nodeId = nodeId;
  }

  /** The newest committed values this node has applied (empty before the first write). */
  public ObjectNode latest() {
    long end = store.endOffset(TOPIC);
    if (end == 0) {
      return JSON.createObjectNode();
    }
    ReadChunk chunk = store.read(TOPIC, end - 1, 1, Integer.MAX_VALUE);
    Record last = Record.readAll(new WireReader(chunk.records()), chunk.count()).get(0);
    try {
      return (ObjectNode) JSON.readTree(last.event().payload());
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint at offset " + last.offset() + " is not JSON", e);
    }
  }

  /**
   * Sets {@code key} to {@code value}, keeping the other values, through the log. Only a leader
   * whose store has the whole committed log may write: it starts from the newest checkpoint.
   *
   * @return completes when the write is committed; fails with the reason otherwise
   */
  public synchronized CompletableFuture<Void> put(String key, JsonNode value) {
    long term = raft.term();
    if (raft.role() != NodeRole.LEADER) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("only the leader writes checkpoints"));
    }
    if (term != viewTerm) {
      if (!raft.leadsWithWholeLog()) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                "this node was just elected and is still applying the log; retry"));
      }
      view = latest();
      viewTerm = term;
    }
    view.set(key, value);
    byte[] payload;
    try {
      payload = JSON.writeValueAsBytes(view);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Event event =
        Event.of(nodeId + "-" + term + "-" + sequence++, TOPIC, Priority.CRITICAL, payload);
    return ingest.produceInternal(List.of(event)).storedAt(0).thenApply(offset -> null);
  }
}
