package io.eventstreamcore.node.api;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.dedup.DedupWindow;
import io.eventstreamcore.node.ingest.ProduceMetrics;
import io.eventstreamcore.node.replication.Peer;
import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.protocol.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** This node's identity, Raft view and pipeline load. */
@Path("/api/v1/node")
@Produces(MediaType.APPLICATION_JSON)
public class NodeResource {
  @Inject Engine engine;

  @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
  String version;

  public record NodeInfo(
      String id,
      String role,
      String leader,
      long term,
      long commitIndex,
      long appliedIndex,
      String version,
      List<Peer> peers,
      String pipeline,
      Map<Priority, Integer> queueDepths,
      Map<Priority, ProduceMetrics.ClassCounts> classCounts,
      DedupWindow.Kept dedupWindow) {}

  @GET
  public NodeInfo node() {
    RaftNode raft = engine.raft();
    return new NodeInfo(
        raft.selfId(),
        raft.role().name(),
        raft.leaderId(),
        raft.term(),
        raft.commitIndex(),
        raft.appliedIndex(),
        version,
        raft.peers(),
        engine.pressure().state().name(),
        engine.queues().depths(),
        engine.produceMetrics().countsByClass(),
        engine.dedup() == null ? null : engine.dedup().keptWindow());
  }
}
