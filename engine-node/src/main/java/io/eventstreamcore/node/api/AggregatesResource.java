package io.eventstreamcore.node.api;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.processing.WindowedAggregates;
import io.eventstreamcore.protocol.ErrorCode;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** The aggregates processor's counts; it runs on the leader, so other nodes redirect there. */
@Path("/api/v1/aggregates")
@Produces(MediaType.APPLICATION_JSON)
public class AggregatesResource {
  @Inject Engine engine;

  public record Aggregates(String node, Map<String, WindowedAggregates.TopicAggregate> topics) {}

  @GET
  public Response aggregates() {
    WindowedAggregates aggregates = engine.processors().aggregates();
    if (aggregates == null) {
      return Problem.response(
          404,
          "Aggregates are off",
          "no topics are configured for them (esc.processors.aggregates.topics)",
          null,
          null);
    }
    engine.raft().requireLeader();
    if (!engine.processors().aggregatesRunning()) {
      return Problem.response(
          503,
          "Aggregates are resuming",
          "this node has just become leader and resumes the aggregates from their checkpoint",
          ErrorCode.UNAVAILABLE.name(),
          null);
    }
    return Response.ok(new Aggregates(engine.raft().selfId(), aggregates.snapshot())).build();
  }
}
