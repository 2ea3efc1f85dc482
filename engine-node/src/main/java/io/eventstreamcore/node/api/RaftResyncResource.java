package io.eventstreamcore.node.api;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.replication.FollowerResync;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * Where a leader asks a follower that answers but does not advance to restart its Raft server in
 * place ({@link FollowerResync}). Members only, as every {@code /internal} path.
 */
@Path("/internal/v1/raft/resync")
public class RaftResyncResource {
  @Inject Engine engine;

  /** 202 once the restart has started; 409 with the reason when this node refuses. */
  @POST
  public Response resync(@QueryParam("leader") String leader) {
    if (leader == null || leader.isEmpty()) {
      throw new BadRequestProblem("query parameter leader is required");
    }
    FollowerResync resync = engine.followerResync();
    if (resync == null) {
      return Problem.response(503, "Not started", "this node is still starting", null, null);
    }
    Optional<String> refused = resync.request(leader);
    return refused
        .map(why -> Problem.response(409, "Restart refused", why, null, null))
        .orElseGet(() -> Response.accepted().build());
  }
}
