package io.eventstreamcore.node.processing;

import com.fasterxml.jackson.databind.JsonNode;
import io.eventstreamcore.node.checkpoint.Checkpoints;
import io.eventstreamcore.node.deadletter.DeadLetterQueue;
import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.NodeRole;
import java.util.concurrent.CompletableFuture;

/** A processor host's view of this engine node: Raft leadership, checkpoints, the DLQ. */
public final class NodeServices implements ProcessorHost.Services {
  private final RaftNode raft;
  private final Checkpoints checkpoints;
  private final DeadLetterQueue deadLetters;

  public NodeServices(RaftNode raft, Checkpoints checkpoints, DeadLetterQueue deadLetters) {
    this.raft = raft;
    this.checkpoints = checkpoints;
    this.deadLetters = deadLetters;
  }

  @Override
  public long leadingTerm() {
    return raft.role() == NodeRole.LEADER ? raft.term() : -1;
  }

  @Override
  public boolean hasWholeLog() {
    return raft.leadsWithWholeLog();
  }

  @Override
  public JsonNode loadCheckpoint(String key) {
    return checkpoints.latest().get(key);
  }

  @Override
  public CompletableFuture<Void> saveCheckpoint(String key, JsonNode value) {
    return checkpoints.put(key, value);
  }

  @Override
  public CompletableFuture<?> deadLetter(Event event, String reason) {
    return deadLetters.add(event, reason).storedAt(0);
  }
}
