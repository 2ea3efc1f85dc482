package io.eventstreamcore.node.api;

import io.eventstreamcore.node.replication.MembershipException;
import io.eventstreamcore.node.replication.NotLeaderException;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.ProtocolException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.net.URI;
import org.jboss.logging.Logger;

/** Every error of the HTTP API leaves as problem JSON with a message that says what was wrong. */
public final class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  private ProblemMappers() {}

  @Provider
  public static class ProtocolProblem implements ExceptionMapper<ProtocolException> {
    @Override
    public Response toResponse(ProtocolException e) {
      return Problem.response(
          Problem.statusOf(e.code()), "Request refused", e.getMessage(), e.code().name(), null);
    }
  }

  @Provider
  public static class BadRequest implements ExceptionMapper<BadRequestProblem> {
    @Override
    public Response toResponse(BadRequestProblem e) {
      return Problem.response(400, "Bad request", e.getMessage(), null, null);
    }
  }

  /**
   * The REST layer's own refusals (unknown path, wrong method or media type, a bad query number):
   * their status and message, as a problem document instead of an empty body.
   */
  @Provider
  public static class WebApplication implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      Response original = e.getResponse();
      Response problem =
          Problem.response(
              original.getStatus(),
              original.getStatusInfo().getReasonPhrase(),
              e.getMessage(),
              null,
              null);
      Response.ResponseBuilder b = Response.fromResponse(problem);
      original.getHeaders().forEach((k, v) -> v.forEach(value -> b.header(k, value)));
      return b.type(Problem.MEDIA_TYPE).build();
    }
  }

  /** A fault of ours: logged with its stack, answered as a problem, never as an HTML page. */
  @Provider
  public static class Unexpected implements ExceptionMapper<RuntimeException> {
    @Override
    public Response toResponse(RuntimeException e) {
      LOG.error("request failed", e);
      return Problem.response(500, "Internal error", e.toString(), ErrorCode.INTERNAL.name(), null);
    }
  }

  /** Membership changes on a follower go to the leader, method and body kept. */
  @Provider
  public static class NotLeader implements ExceptionMapper<NotLeaderException> {
    @Context UriInfo uri;

    @Override
    public Response toResponse(NotLeaderException e) {
      if (e.leader().isEmpty()) {
        return Problem.response(
            503, "No leader", e.getMessage(), ErrorCode.NOT_LEADER.name(), null);
      }
      URI leader = URI.create(e.leader().get().httpEndpoint());
      URI here = uri.getRequestUri();
      return Response.temporaryRedirect(
              UriBuilder.fromUri(here).host(leader.getHost()).port(leader.getPort()).build())
          .build();
    }
  }

  @Provider
  public static class MembershipRefused implements ExceptionMapper<MembershipException> {
    @Override
    public Response toResponse(MembershipException e) {
      return Problem.response(
          e.unknownMember() ? 404 : 409, "Membership change refused", e.getMessage(), null, null);
    }
  }

  /** Ratis could not complete a change in time (no quorum, election under way). */
  @Provider
  public static class RaftUnavailable implements ExceptionMapper<IOException> {
    @Override
    public Response toResponse(IOException e) {
      return Problem.response(
          503,
          "Raft did not complete the request",
          e.toString(),
          ErrorCode.UNAVAILABLE.name(),
          null);
    }
  }
}
