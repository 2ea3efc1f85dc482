package io.eventstreamcore.node.api;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.QueryNumber;
import io.eventstreamcore.node.deadletter.DeadLetterQueue;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** The dead-letter queue: list with filters (any node), purge (the leader; others redirect). */
@Path("/api/v1/dlq")
@Produces(MediaType.APPLICATION_JSON)
public class DlqResource {
  private static final int MAX_LETTERS = 1_000;

  @Inject Engine engine;

  /** One dead letter: the original event (its topic, id, payload …) and why it is here. */
  public record Letter(
      long offset, String topic, String reason, long deadLetteredAt, EventJson event) {}

  public record Letters(long from, long next, long endOffset, List<Letter> letters) {}

  @GET
  public Letters list(
      @QueryParam("topic") String topic,
      @QueryParam("reason") String reason,
      @QueryParam("from") String fromParam,
      @QueryParam("max") String maxParam) {
    long from = QueryNumber.of("from", fromParam, 0, 0, Long.MAX_VALUE);
    int max = (int) QueryNumber.of("max", maxParam, 100, 1, MAX_LETTERS);
    DeadLetterQueue.Page page = engine.deadLetters().list(topic, reason, from, max);
    return new Letters(
        page.from(),
        page.next(),
        page.endOffset(),
        page.entries().stream()
            .map(
                e ->
                    new Letter(
                        e.offset(),
                        e.letter().original().topic(),
                        e.letter().reason(),
                        e.letter().deadLetteredAt(),
                        EventJson.of(e.offset(), e.letter().original())))
            .toList());
  }

  /** Hides the letters below {@code before} (all of them when it is not given). */
  @POST
  @Path("/purge")
  public Uni<Response> purge(@QueryParam("before") String before) {
    engine.raft().requireLeader();
    long end = engine.store().endOffset(Topics.DEAD_LETTER);
    long mark = QueryNumber.of("before", before, end, 0, end);
    return Uni.createFrom()
        .completionStage(engine.deadLetters().purge(mark))
        .map(done -> Response.ok(Map.of("purgedBefore", mark)).build())
        .onFailure()
        .recoverWithItem(
            e ->
                Problem.response(
                    503, "Purge not recorded", e.getMessage(), ErrorCode.UNAVAILABLE.name(), null));
  }
}
