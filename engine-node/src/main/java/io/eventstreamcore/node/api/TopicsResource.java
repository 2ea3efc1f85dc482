package io.eventstreamcore.node.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.QueryNumber;
import io.eventstreamcore.node.batching.PendingProduce;
import io.eventstreamcore.node.consume.FetchService;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.FetchRequest;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.Topics;
import io.eventstreamcore.protocol.WireReader;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Produce and read events over HTTP; the same validation and path as the binary protocol. */
@Path("/api/v1/topics")
@Produces(MediaType.APPLICATION_JSON)
public class TopicsResource {
  private static final int MAX_EVENTS_PER_READ = 10_000;

  @Inject Engine engine;
  @Inject ObjectMapper json;

  /** One event result of a produce. */
  public record Result(String id, String status, Long offset, String message) {}

  public record TopicInfo(String topic, long startOffset, long endOffset) {}

  public record Page(
      String topic, long startOffset, long endOffset, long nextOffset, List<EventJson> events) {}

  @GET
  public List<TopicInfo> topics() {
    List<TopicInfo> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : engine.store().endOffsets().entrySet()) {
      out.add(new TopicInfo(e.getKey(), engine.store().startOffset(e.getKey()), e.getValue()));
    }
    return out;
  }

  @POST
  @Path("/{topic}/events")
  @Consumes(MediaType.APPLICATION_JSON)
  public Uni<Response> produce(@PathParam("topic") String topic, byte[] body) {
    Topics.validate(topic);
    List<EventJson> events = parse(body);
    List<ByteBuffer> encoded = new ArrayList<>(events.size());
    for (EventJson e : events) {
      encoded.add(ByteBuffer.wrap(EventCodec.encode(e.toEvent(topic))));
    }
    PendingProduce pending = engine.ingest().produce(encoded);
    return Uni.createFrom().completionStage(pending.done()).map(p -> answer(events, p));
  }

  /** Parsed here rather than by the framework so that every failure is a problem document. */
  private List<EventJson> parse(byte[] bytes) {
    JsonNode body = JsonBody.read(json, bytes);
    if (!(body.isArray() || body.isObject())) {
      throw new BadRequestProblem("the body must be a JSON event or an array of events");
    }
    List<EventJson> events = new ArrayList<>();
    if (body.isArray()) {
      for (JsonNode n : body) {
        events.add(EventJson.read(n, events.size()));
      }
    } else {
      events.add(EventJson.read(body, 0));
    }
    if (events.isEmpty()) {
      throw new BadRequestProblem("no events in the body");
    }
    return events;
  }

  private static Response answer(List<EventJson> events, PendingProduce p) {
    List<Result> results = new ArrayList<>(p.size());
    ErrorCode worst = ErrorCode.OK;
    boolean deadLettered = false;
    for (int i = 0; i < p.size(); i++) {
      ErrorCode c = p.code(i);
      String id = events.get(i).id();
      if (c == ErrorCode.OK || c == ErrorCode.DUPLICATE) {
        results.add(new Result(id, c.name(), p.offset(i), null));
      } else if (c == ErrorCode.DEAD_LETTERED) {
        deadLettered = true;
        results.add(
            new Result(id, c.name(), p.offset(i), "stored in " + Topics.DEAD_LETTER + " instead"));
      } else {
        results.add(new Result(id, c.name(), null, p.message(i)));
        if (worst == ErrorCode.OK || !c.retryable()) {
          worst = c;
        }
      }
    }
    if (worst == ErrorCode.OK) {
      // 202: every event is stored, but not every one in its topic.
      return Response.status(deadLettered ? 202 : 200).entity(Map.of("results", results)).build();
    }
    Response problem =
        Problem.response(
            Problem.statusOf(worst),
            "Not every event was stored",
            "see results; events marked OK or DUPLICATE are stored, DEAD_LETTERED ones are in "
                + Topics.DEAD_LETTER
                + ", the others were not stored",
            worst.name(),
            results);
    if (worst != ErrorCode.OVERLOADED) {
      return problem;
    }
    long retryAfterMillis = 0;
    for (int i = 0; i < p.size(); i++) {
      if (p.code(i) == ErrorCode.OVERLOADED) {
        retryAfterMillis = Math.max(retryAfterMillis, p.offset(i));
      }
    }
    return Response.fromResponse(problem)
        .header("Retry-After", Math.max(1, (retryAfterMillis + 999) / 1000))
        .build();
  }

  @GET
  @Path("/{topic}/events")
  public Uni<Page> read(
      @PathParam("topic") String topic,
      @QueryParam("from") String fromParam,
      @QueryParam("max") String maxParam,
      @QueryParam("waitMs") String waitParam) {
    Topics.validate(topic);
    long from = QueryNumber.of("from", fromParam, 0, 0, Long.MAX_VALUE);
    int max = (int) QueryNumber.of("max", maxParam, 100, 1, MAX_EVENTS_PER_READ);
    int waitMs = (int) QueryNumber.of("waitMs", waitParam, 0, 0, FetchRequest.MAX_WAIT_MS);
    FetchRequest req = new FetchRequest(topic, from, max, 16 << 20, waitMs);
    return Uni.createFrom()
        .completionStage(engine.fetch().fetch(req))
        .map(f -> page(topic, from, f));
  }

  private static Page page(String topic, long from, FetchService.Fetched f) {
    List<EventJson> events = new ArrayList<>(f.chunk().count());
    for (Record r : Record.readAll(new WireReader(f.chunk().records()), f.chunk().count())) {
      events.add(EventJson.of(r));
    }
    return new Page(topic, f.startOffset(), f.endOffset(), from + events.size(), events);
  }
}
