package io.eventstreamcore.node.api;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.QueryNumber;
import io.eventstreamcore.node.replication.SnapshotCatchUp;
import io.eventstreamcore.node.replication.SnapshotPoint;
import io.eventstreamcore.node.storage.ReadChunk;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * What a follower behind the leader's purged Raft log copies instead of the log: the latest
 * snapshot point and the committed records below it, topic by topic (see {@link SnapshotCatchUp}).
 */
@Path("/internal/v1/catch-up")
public class CatchUpResource {
  @Inject Engine engine;

  @GET
  @Path("snapshot")
  @Produces(MediaType.APPLICATION_JSON)
  public SnapshotPoint snapshot() {
    SnapshotPoint point = engine.stateMachine().latestSnapshot();
    if (point == null) {
      throw new NotFoundException("this node has taken no snapshot yet");
    }
    return point;
  }

  /** Records of a topic from {@code from} (or the topic's start, if later), back to back. */
  @GET
  @Path("records")
  @Produces(MediaType.APPLICATION_OCTET_STREAM)
  public Response records(
      @QueryParam("topic") String topic,
      @QueryParam("from") String fromParam,
      @QueryParam("max-bytes") String maxBytesParam) {
    if (topic == null || topic.isEmpty()) {
      throw new BadRequestException("query parameter topic is required");
    }
    long from = QueryNumber.of("from", fromParam, 0, 0, Long.MAX_VALUE);
    int maxBytes = (int) QueryNumber.of("max-bytes", maxBytesParam, 4 << 20, 1, 16 << 20);
    long start = engine.store().startOffset(topic);
    ReadChunk chunk =
        engine.store().read(topic, Math.max(from, start), Integer.MAX_VALUE, maxBytes);
    byte[] body = new byte[chunk.records().remaining()];
    chunk.records().duplicate().get(body);
    return Response.ok(body).header(SnapshotCatchUp.START_OFFSET_HEADER, start).build();
  }
}
