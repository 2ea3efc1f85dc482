package io.eventstreamcore.node.api;

import io.eventstreamcore.protocol.ProtocolException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every error of the HTTP API leaves as problem JSON with a message that says what was wrong. */
public final class ProblemMappers {
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
}
