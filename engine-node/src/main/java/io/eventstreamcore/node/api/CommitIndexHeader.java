package io.eventstreamcore.node.api;

import io.eventstreamcore.node.Engine;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.net.http.HttpHeaders;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The leader marks its answer to a write a follower passed on ({@link LeaderProxy}, which asks by
 * sending the header) with its commit index, which covers that write. The follower answers its
 * caller only once it has applied that far itself, so the caller's next read from it shows the
 * write (ADR 0034). Other requests are left alone.
 */
public class CommitIndexHeader {
  static final String NAME = "ESC-Commit-Index";

  @Inject Engine engine;

  @ServerResponseFilter
  public void markWrites(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getHeaderString(NAME) != null
        && !HttpMethod.GET.equals(request.getMethod())
        && engine.raft() != null
        && engine.raft().isLeader()) {
      response.getHeaders().putSingle(NAME, Long.toString(engine.raft().commitIndex()));
    }
  }

  /** The commit index a leader's answer carries, if it carries a well-formed one. */
  static OptionalLong of(HttpHeaders headers) {
    return headers
        .firstValue(NAME)
        .filter(v -> v.matches("-?\\d{1,19}"))
        .map(v -> OptionalLong.of(Long.parseLong(v)))
        .orElse(OptionalLong.empty());
  }
}
