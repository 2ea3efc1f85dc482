package io.eventstreamcore.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.node.batching.PendingProduce;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.ProduceAck;
import io.eventstreamcore.protocol.ProduceRequest;
import io.eventstreamcore.protocol.WireReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LeaderForwardTest {
  private final List<List<ByteBuffer>> sent = new ArrayList<>();

  @Test
  void theLeadersAnswersReachEachEventUnchanged() throws Exception {
    ProduceAck leaderSays =
        new ProduceAck(
            new ErrorCode[] {
              ErrorCode.OK,
              ErrorCode.DUPLICATE,
              ErrorCode.DEAD_LETTERED,
              ErrorCode.OVERLOADED,
              ErrorCode.NOT_LEADER
            },
            new long[] {7, 3, 11, 250, -1});
    LeaderForward forward = new LeaderForward(answering(leaderSays), 5_000);

    PendingProduce p = forward.forward(events("a", "b", "c", "d", "e"));

    p.done().get(5, TimeUnit.SECONDS);
    assertThat(sent)
        .singleElement()
        .satisfies(request -> assertThat(ids(request)).containsExactly("a", "b", "c", "d", "e"));
    assertThat(p.codes()).containsExactly(leaderSays.codes());
    assertThat(p.offsets()).containsExactly(7, 3, 11, 250, -1);
  }

  @Test
  void noAnswerFromTheLeaderFailsEveryEventRetryably() throws Exception {
    LeaderForward broken =
        new LeaderForward(
            request -> CompletableFuture.failedFuture(new IllegalStateException("no leader")),
            5_000);
    LeaderForward silent = new LeaderForward(request -> new CompletableFuture<>(), 50);

    PendingProduce failed = broken.forward(events("a", "b"));
    PendingProduce timedOut = silent.forward(events("c"));

    failed.done().get(5, TimeUnit.SECONDS);
    timedOut.done().get(5, TimeUnit.SECONDS);
    assertThat(failed.codes()).containsOnly(ErrorCode.UNAVAILABLE);
    assertThat(failed.message(0)).contains("no leader");
    assertThat(timedOut.codes()).containsExactly(ErrorCode.TIMEOUT);
  }

  @Test
  void beyondTheOutstandingLimitARequestIsRefusedAtOnceNotQueued() throws Exception {
    List<CompletableFuture<ByteBuffer>> held = new ArrayList<>();
    LeaderForward forward =
        new LeaderForward(
            request -> {
              CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
              held.add(f);
              return f;
            },
            60_000);
    for (int i = 0; i < LeaderForward.MAX_OUTSTANDING; i++) {
      forward.forward(events("x" + i));
    }

    PendingProduce refused = forward.forward(events("over"));
    assertThat(refused.done()).isCompleted();
    assertThat(refused.codes()).containsExactly(ErrorCode.UNAVAILABLE);
    assertThat(held).hasSize(LeaderForward.MAX_OUTSTANDING);

    held.get(0).completeExceptionally(new IllegalStateException("no leader"));
    forward.forward(events("again"));
    assertThat(held)
        .as("a finished request frees its place")
        .hasSize(LeaderForward.MAX_OUTSTANDING + 1);
  }

  @Test
  void anAnswerForAnotherNumberOfEventsIsNotTrusted() throws Exception {
    ProduceAck tooShort = new ProduceAck(new ErrorCode[] {ErrorCode.OK}, new long[] {0});
    PendingProduce p = new LeaderForward(answering(tooShort), 5_000).forward(events("a", "b"));

    p.done().get(5, TimeUnit.SECONDS);
    assertThat(p.codes()).containsOnly(ErrorCode.UNAVAILABLE);
  }

  private Function<byte[], CompletableFuture<ByteBuffer>> answering(ProduceAck ack) {
    return request -> {
      sent.add(ProduceRequest.read(new WireReader(ByteBuffer.wrap(request))).events());
      return CompletableFuture.completedFuture(ByteBuffer.wrap(ack.encode()));
    };
  }

  private static List<ByteBuffer> events(String... ids) {
    List<ByteBuffer> events = new ArrayList<>();
    for (String id : ids) {
      events.add(ByteBuffer.wrap(EventCodec.encode(Event.of(id, "t", Priority.HIGH, new byte[3]))));
    }
    return events;
  }

  private static List<String> ids(List<ByteBuffer> events) {
    return events.stream()
        .map(e -> StandardCharsets.UTF_8.decode(EventCodec.idView(e)).toString())
        .toList();
  }
}
