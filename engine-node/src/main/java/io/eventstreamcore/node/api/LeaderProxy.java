package io.eventstreamcore.node.api;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.replication.Peer;
import io.eventstreamcore.node.security.PeerHttp;
import io.eventstreamcore.protocol.ErrorCode;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Sends an admin request to the leader's own HTTP API and answers with the leader's answer, so the
 * same checks apply as to a request made there directly. The credentials the caller sent go along.
 */
@ApplicationScoped
public class LeaderProxy {
  private static final Duration TIMEOUT = Duration.ofSeconds(65);

  @Inject Engine engine;
  @Inject PeerHttp peers;

  private HttpClient http;

  @PostConstruct
  void init() {
    http = peers.newClient(Duration.ofSeconds(2));
  }

  /**
   * Waits, within a bound, until this node has applied what the leader had committed when it
   * answered: a caller that reads from this node next then sees what it just did here.
   */
  private Uni<Void> appliedLocally(HttpResponse<byte[]> answer) {
    OptionalLong leaderCommit = CommitIndexHeader.of(answer.headers());
    if (leaderCommit.isEmpty() || engine.raft().isLeader()) {
      return Uni.createFrom().voidItem();
    }
    return Uni.createFrom().completionStage(engine.raft().awaitApplied(leaderCommit.getAsLong()));
  }

  Uni<Response> send(String method, String path, byte[] body, String authorization) {
    Optional<Peer> leader = engine.raft().leader();
    if (leader.isEmpty()) {
      return Uni.createFrom()
          .item(
              Problem.response(
                  503,
                  "No leader",
                  "no member leads right now; try again once one is elected",
                  ErrorCode.UNAVAILABLE.name(),
                  null));
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(leader.get().httpEndpoint() + path))
            .timeout(TIMEOUT)
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null) {
      request.header(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    if (authorization != null) {
      request.header(HttpHeaders.AUTHORIZATION, authorization);
    }
    // Asks the leader for its commit index with its answer (appliedLocally).
    request.header(CommitIndexHeader.NAME, "?");
    return Uni.createFrom()
        .completionStage(
            () -> http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()))
        .call(this::appliedLocally)
        .map(
            r ->
                Response.status(r.statusCode())
                    .type(r.headers().firstValue(HttpHeaders.CONTENT_TYPE).orElse(null))
                    .entity(r.body())
                    .build())
        .onFailure()
        .recoverWithItem(
            e ->
                Problem.response(
                    503,
                    "Leader not reached",
                    "the leader " + leader.get().id() + " did not answer: " + e,
                    ErrorCode.UNAVAILABLE.name(),
                    null));
  }
}
