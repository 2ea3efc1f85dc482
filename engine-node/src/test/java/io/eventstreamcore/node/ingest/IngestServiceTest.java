package io.eventstreamcore.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.node.batching.PendingProduce;
import io.eventstreamcore.node.pipeline.PipelineState;
import io.eventstreamcore.node.pipeline.TopicPolicies;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Where a node that does not lead sends a produce request. */
class IngestServiceTest {
  private final List<byte[]> forwarded = new ArrayList<>();

  @Test
  void aFollowerThatKnowsNoLeaderSendsTheClientElsewhereInsteadOfWaiting() throws Exception {
    IngestService cutOff = follower(false);

    PendingProduce p = cutOff.produce(events("a", "b"));

    assertThat(p.done()).isCompleted();
    assertThat(p.codes()).containsOnly(ErrorCode.NOT_LEADER);
    assertThat(p.leaderHint()).isEmpty();
    assertThat(p.message(0)).contains("knows no leader");
    assertThat(forwarded).as("nothing forwarded into the void").isEmpty();
  }

  @Test
  void aFollowerThatKnowsTheLeaderForwardsTheRequest() throws Exception {
    IngestService follower = follower(true);

    PendingProduce p = follower.produce(events("a"));

    p.done().get(5, TimeUnit.SECONDS);
    assertThat(forwarded).hasSize(1);
    assertThat(p.codes()).containsExactly(ErrorCode.UNAVAILABLE);
  }

  private IngestService follower(boolean knowsLeader) {
    return new IngestService(
        null,
        () -> false,
        () -> knowsLeader,
        request -> {
          forwarded.add(request);
          return CompletableFuture.failedFuture(new IllegalStateException("leader gone"));
        },
        5_000,
        1 << 20,
        new ProduceMetrics(new SimpleMeterRegistry()),
        () -> PipelineState.HEALTHY,
        () -> TopicPolicies.NONE,
        100,
        Optional::empty);
  }

  private static List<ByteBuffer> events(String... ids) {
    List<ByteBuffer> events = new ArrayList<>();
    for (String id : ids) {
      events.add(ByteBuffer.wrap(EventCodec.encode(Event.of(id, "t", Priority.HIGH, new byte[3]))));
    }
    return events;
  }
}
