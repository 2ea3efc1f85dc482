package io.eventstreamcore.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.replication.Member;
import io.eventstreamcore.node.replication.Peer;
import io.eventstreamcore.node.replication.RaftNode;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.List;

/**
 * The Raft group seen from this node, and the membership changes the operator drives: add a
 * learner, promote it once caught up, remove a member, transfer leadership. Changes are made by the
 * leader; other nodes redirect them there (307, so method and body are kept).
 */
@Path("/api/v1/cluster")
@Produces(MediaType.APPLICATION_JSON)
public class ClusterResource {
  private static final long DEFAULT_TRANSFER_TIMEOUT_MS = 5_000;

  @Inject Engine engine;
  @Inject ObjectMapper json;

  public record ClusterView(
      String self,
      String role,
      String leader,
      long term,
      long commitIndex,
      List<MemberView> members) {}

  /** Match index, lag and last contact are only filled in when the leader answers. */
  public record MemberView(
      String id,
      Member.Role role,
      String raftAddress,
      String clientEndpoint,
      String httpEndpoint,
      Long matchIndex,
      Long lag,
      Long lastContactMs) {
    static MemberView of(Member m) {
      Peer p = m.peer();
      return new MemberView(
          p.id(),
          m.role(),
          p.raftAddress(),
          p.clientEndpoint(),
          p.httpEndpoint(),
          m.matchIndex(),
          m.lag(),
          m.lastContactMs());
    }
  }

  @GET
  public ClusterView view() {
    RaftNode raft = engine.raft();
    return new ClusterView(
        raft.selfId(),
        raft.role().name(),
        raft.leaderId(),
        raft.term(),
        raft.commitIndex(),
        raft.members().stream().map(MemberView::of).toList());
  }

  /** Body {@code {"peer": "id=host:raft-port[:client-port[:http-port]]"}}: joins as a learner. */
  @POST
  @Path("/members")
  @Consumes(MediaType.APPLICATION_JSON)
  public ClusterView add(byte[] body) throws IOException {
    RaftNode raft = engine.raft();
    Peer self = raft.peers().stream().filter(p -> p.id().equals(raft.selfId())).findFirst().get();
    Peer peer;
    try {
      peer =
          Peer.parse(
              JsonBody.text(JsonBody.object(json, body), "peer"),
              self.clientPort(),
              self.httpPort());
    } catch (IllegalArgumentException e) {
      throw new BadRequestProblem(e.getMessage());
    }
    raft.membership().addLearner(peer);
    return view();
  }

  @POST
  @Path("/members/{id}/promote")
  public ClusterView promote(@PathParam("id") String id) throws IOException {
    engine.raft().membership().promote(id);
    return view();
  }

  @DELETE
  @Path("/members/{id}")
  public ClusterView remove(@PathParam("id") String id) throws IOException {
    engine.raft().membership().remove(id);
    return view();
  }

  /** Body {@code {"to": "n2"}}, optionally {@code "timeoutMs"}; answers once {@code to} leads. */
  @POST
  @Path("/leadership")
  @Consumes(MediaType.APPLICATION_JSON)
  public ClusterView transferLeadership(byte[] body) throws IOException {
    JsonNode request = JsonBody.object(json, body);
    String to = JsonBody.text(request, "to");
    JsonNode timeoutMs = request.get("timeoutMs");
    long timeout = DEFAULT_TRANSFER_TIMEOUT_MS;
    if (timeoutMs != null) {
      if (!timeoutMs.isIntegralNumber() || timeoutMs.asLong() < 1 || timeoutMs.asLong() > 60_000) {
        throw new BadRequestProblem("'timeoutMs' must be a whole number within 1..60000");
      }
      timeout = timeoutMs.asLong();
    }
    engine.raft().membership().transferLeadership(to, timeout);
    return view();
  }
}
