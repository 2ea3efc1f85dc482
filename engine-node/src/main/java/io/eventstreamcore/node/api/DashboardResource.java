package io.eventstreamcore.node.api;

import io.eventstreamcore.node.QueryNumber;
import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.node.dashboard.ClusterCollector;
import io.eventstreamcore.node.dashboard.ClusterStatus;
import io.eventstreamcore.node.dashboard.ClusterStream;
import io.eventstreamcore.node.dashboard.Dashboard;
import io.eventstreamcore.protocol.ErrorCode;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * What the dashboard page (/ui) reads: this node's status, the whole cluster's, and a stream of the
 * latter once a second. Actions that only the leader takes are passed on to it from here, because a
 * page reached through a port-forward can talk to no other node.
 */
@Path("/api/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
public class DashboardResource {
  @Inject Dashboard dashboard;
  @Inject ClusterCollector collector;
  @Inject ClusterStream stream;
  @Inject LeaderProxy leader;
  @Inject NodeConfig config;

  @GET
  @Path("/node")
  public Response node(@QueryParam("history") boolean history) {
    if (!dashboard.started()) {
      return Problem.response(
          503, "Starting", "this node has not started yet", ErrorCode.UNAVAILABLE.name(), null);
    }
    return Response.ok(dashboard.status(history)).build();
  }

  @GET
  @Path("/cluster")
  public Uni<ClusterStatus> cluster(@QueryParam("history") boolean history) {
    return Uni.createFrom().completionStage(() -> collector.collect(history));
  }

  /** A cluster status a second for as long as the page stays open; a slow page skips seconds. */
  @GET
  @Path("/stream")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @RestStreamElementType(MediaType.APPLICATION_JSON)
  public Multi<ClusterStatus> stream() {
    return stream.follow();
  }

  @POST
  @Path("/dlq/purge")
  public Uni<Response> purge(
      @QueryParam("before") String before, @HeaderParam(HttpHeaders.AUTHORIZATION) String auth) {
    long mark = QueryNumber.of("before", before, Long.MAX_VALUE, 0, Long.MAX_VALUE);
    String query = mark == Long.MAX_VALUE ? "" : "?before=" + mark;
    return leader.send("POST", "/api/v1/dlq/purge" + query, null, auth);
  }

  @POST
  @Path("/leadership")
  @Consumes(MediaType.APPLICATION_JSON)
  public Uni<Response> transferLeadership(
      byte[] body, @HeaderParam(HttpHeaders.AUTHORIZATION) String auth) {
    if (!config.ui().membershipActions()) {
      return membershipActionsOff();
    }
    return leader.send("POST", "/api/v1/cluster/leadership", body, auth);
  }

  @DELETE
  @Path("/members/{id}")
  public Uni<Response> removeMember(
      @PathParam("id") String id, @HeaderParam(HttpHeaders.AUTHORIZATION) String auth) {
    if (!config.ui().membershipActions()) {
      return membershipActionsOff();
    }
    if (!id.matches("[A-Za-z0-9._-]{1,63}")) {
      throw new BadRequestProblem("'" + id + "' is not a member id");
    }
    return leader.send("DELETE", "/api/v1/cluster/members/" + id, null, auth);
  }

  private static Uni<Response> membershipActionsOff() {
    return Uni.createFrom()
        .item(
            Problem.response(
                403,
                "Membership actions are off",
                "this node's dashboard does not change the Raft group; set"
                    + " esc.ui.membership-actions=true to allow it",
                null,
                null));
  }
}
