package io.eventstreamcore.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Frame;
import io.eventstreamcore.protocol.FrameCodec;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.HelloOk;
import io.eventstreamcore.protocol.MetadataResult;
import io.eventstreamcore.protocol.NodeRole;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.ProduceAck;
import io.eventstreamcore.protocol.WireReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The producer against a scripted fake node: what it sends, and what it does with answers. */
class ProducerRetryTest {

  /**
   * Answers HELLO, METADATA (naming itself leader), then each PRODUCE with the next code from the
   * script (for every event).
   */
  private static final class FakeNode implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0);
    final List<List<String>> produceRequests = new CopyOnWriteArrayList<>();
    final List<Integer> requestBytes = new CopyOnWriteArrayList<>();
    final List<Long> produceNanos = new CopyOnWriteArrayList<>();

    /** The leader this node names in METADATA; itself unless a test says otherwise. */
    volatile String leader;

    /**
     * While true, this node knows no leader, as one whose peers are down: METADATA names none and
     * every PRODUCE is answered NOT_LEADER.
     */
    volatile boolean leaderless;

    final List<Long> metadataNanos = new CopyOnWriteArrayList<>();

    /** While true, PRODUCE requests get no answer at all: a paused node. */
    volatile boolean silent;

    private final String id;
    private final ErrorCode[] script;
    private int produces;

    FakeNode(ErrorCode... script) throws IOException {
      this("fake", script);
    }

    /** A node that answers HELLO as {@code id}, on as many connections as are opened to it. */
    FakeNode(String id, ErrorCode... script) throws IOException {
      this.id = id;
      this.script = script;
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    Thread serving = new Thread(() -> serveQuietly(s));
                    serving.setDaemon(true);
                    serving.start();
                  } catch (IOException ignored) {
                    // the test closed the fake node
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private void serveQuietly(Socket s) {
      try (s) {
        serve(s);
      } catch (IOException ignored) {
        // the client or the test closed the connection
      }
    }

    private void serve(Socket s) throws IOException {
      DataInputStream in = new DataInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        byte[] rest = new byte[in.readInt()];
        in.readFully(rest);
        Frame f = FrameCodec.decode(ByteBuffer.wrap(rest));
        if (f.type() == FrameType.HELLO) {
          out.write(
              FrameCodec.encode(
                  FrameType.HELLO_OK, f.requestId(), new HelloOk(1, id, 8 << 20, 1 << 20)::write));
          continue;
        }
        if (f.type() == FrameType.METADATA) {
          metadataNanos.add(System.nanoTime());
          if (leaderless) {
            MetadataResult.Member self = new MetadataResult.Member(id, endpoint(), "");
            out.write(
                FrameCodec.encode(
                    FrameType.METADATA_RESULT,
                    f.requestId(),
                    new MetadataResult(id, NodeRole.CANDIDATE, "", 1, 0, List.of(self))::write));
            continue;
          }
          String leaderEndpoint = leader == null ? endpoint() : leader;
          String leaderId = leader == null ? id : "leader";
          MetadataResult.Member l = new MetadataResult.Member(leaderId, leaderEndpoint, "");
          out.write(
              FrameCodec.encode(
                  FrameType.METADATA_RESULT,
                  f.requestId(),
                  new MetadataResult(id, NodeRole.FOLLOWER, leaderId, 1, 0, List.of(l))::write));
          continue;
        }
        requestBytes.add(rest.length);
        WireReader r = f.reader();
        int n = r.size32("count");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          ids.add(StandardCharsets.UTF_8.decode(EventCodec.idView(EventCodec.next(r))).toString());
        }
        produceRequests.add(ids);
        produceNanos.add(System.nanoTime());
        if (silent) {
          continue;
        }
        ErrorCode code = leaderless ? ErrorCode.NOT_LEADER : nextCode();
        ErrorCode[] codes = new ErrorCode[n];
        long[] offsets = new long[n];
        Arrays.fill(codes, code);
        Arrays.fill(offsets, code == ErrorCode.OK ? 5 : code == ErrorCode.OVERLOADED ? 400 : -1);
        out.write(
            FrameCodec.encode(
                FrameType.PRODUCE_ACK, f.requestId(), new ProduceAck(codes, offsets)::write));
      }
    }

    private synchronized ErrorCode nextCode() {
      return script[Math.min(produces++, script.length - 1)];
    }

    String endpoint() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static Producer.Settings settings(FakeNode node) {
    return Producer.Settings.defaults(List.of(node.endpoint())).withLinger(Duration.ofMillis(1));
  }

  @Test
  void retryableRefusalIsRetriedWithTheSameEventId() throws Exception {
    try (FakeNode node = new FakeNode(ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT, ErrorCode.OK);
        Producer p = new Producer(settings(node))) {
      long offset = p.send(Event.of("order-17", "t", Priority.HIGH, new byte[1])).join();
      assertThat(offset).isEqualTo(5);
      assertThat(node.produceRequests)
          .hasSize(3)
          .allSatisfy(ids -> assertThat(ids).containsExactly("order-17"));
    }
  }

  @Test
  void overloadedIsRetriedNoSoonerThanTheNodesHint() throws Exception {
    try (FakeNode node = new FakeNode(ErrorCode.OVERLOADED, ErrorCode.OK);
        Producer p = new Producer(settings(node))) {
      assertThat(p.send(Event.of("low-1", "t", Priority.LOW, new byte[1])).join()).isEqualTo(5);
      assertThat(node.produceRequests).hasSize(2);
      long waitedMillis = (node.produceNanos.get(1) - node.produceNanos.get(0)) / 1_000_000;
      assertThat(waitedMillis).as("the hint in the ack is 400 ms").isGreaterThanOrEqualTo(390);
    }
  }

  @Test
  void writesGoToTheLeaderThatMetadataNames() throws Exception {
    try (FakeNode follower = new FakeNode(ErrorCode.OK);
        FakeNode leader = new FakeNode(ErrorCode.OK)) {
      follower.leader = leader.endpoint();
      try (Producer p = new Producer(settings(follower))) {
        assertThat(p.send(Event.of("a", "t", Priority.HIGH, new byte[1])).join()).isEqualTo(5);
      }
      assertThat(leader.produceRequests).hasSize(1);
      assertThat(follower.produceRequests).isEmpty();
    }
  }

  @Test
  void aNodeThatAnswersNotLeaderIsLeftEvenWhenNothingIsRetried() throws Exception {
    try (FakeNode stale = new FakeNode("stale", ErrorCode.NOT_LEADER);
        FakeNode leader = new FakeNode("leader", ErrorCode.OK)) {
      Producer.Settings noRetries =
          Producer.Settings.defaults(List.of(stale.endpoint(), leader.endpoint()))
              .withLinger(Duration.ofMillis(1))
              .withoutRetries();
      try (Producer p = new Producer(noRetries)) {
        assertThat(p.send(Event.of("first", "t", Priority.HIGH, new byte[1])))
            .failsWithin(Duration.ofSeconds(5));
        assertThat(p.send(Event.of("second", "t", Priority.HIGH, new byte[1])).join()).isEqualTo(5);
      }
      assertThat(stale.produceRequests).containsExactly(List.of("first"));
      assertThat(leader.produceRequests).containsExactly(List.of("second"));
    }
  }

  @Test
  void whileNoNodeNamesALeaderEventsWaitForOneInsteadOfBeingResent() throws Exception {
    try (FakeNode survivor = new FakeNode("n1", ErrorCode.OK)) {
      survivor.leaderless = true;
      try (Producer p = new Producer(settings(survivor))) {
        var held = p.send(Event.of("held", "t", Priority.HIGH, new byte[1]));

        await()
            .during(Duration.ofMillis(600))
            .atMost(Duration.ofSeconds(2))
            .until(() -> survivor.produceRequests.isEmpty() && !held.isDone());
        assertThat(survivor.metadataNanos)
            .as("asked who leads about every %s", LeaderWait.PROBE_EVERY)
            .hasSizeGreaterThanOrEqualTo(5);

        survivor.leaderless = false;
        assertThat(held).succeedsWithin(Duration.ofSeconds(2)).isEqualTo(5L);
      }
      assertThat(survivor.produceRequests).containsExactly(List.of("held"));
    }
  }

  @Test
  void aProducerWithoutRetriesWritesAgainOnceALeaderIsNamed() throws Exception {
    try (FakeNode survivor = new FakeNode("n1", ErrorCode.OK)) {
      survivor.leaderless = true;
      try (Producer p = new Producer(settings(survivor).withoutRetries())) {
        assertThat(p.send(Event.of("during", "t", Priority.HIGH, new byte[1])))
            .failsWithin(Duration.ofSeconds(2));

        survivor.leaderless = false;
        // An event sent before the producer has heard of the leader fails (no retries): try again.
        await()
            .atMost(Duration.ofSeconds(5))
            .ignoreExceptions()
            .until(() -> p.send(Event.of("after", "t", Priority.HIGH, new byte[1])).join() == 5L);
      }
    }
  }

  @Test
  void heldEventsFailOnceTheirDeliveryTimeoutPasses() throws Exception {
    try (FakeNode survivor = new FakeNode("n1", ErrorCode.OK)) {
      survivor.leaderless = true;
      Producer.Settings shortTimeout =
          settings(survivor).withDeliveryTimeout(Duration.ofMillis(300));
      try (Producer p = new Producer(shortTimeout)) {
        var result = p.send(Event.of("late", "t", Priority.HIGH, new byte[1]));
        assertThat(result)
            .failsWithin(Duration.ofSeconds(2))
            .withThrowableOfType(java.util.concurrent.ExecutionException.class)
            .havingCause()
            .isInstanceOfSatisfying(
                EscException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
      }
      assertThat(survivor.produceRequests).isEmpty();
    }
  }

  @Test
  void nonRetryableRefusalFailsAtOnceWithItsCode() throws Exception {
    try (FakeNode node = new FakeNode(ErrorCode.EVENT_TOO_LARGE);
        Producer p = new Producer(settings(node))) {
      var result = p.send(Event.of("x", "t", Priority.HIGH, new byte[1]));
      assertThat(result)
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause()
          .isInstanceOfSatisfying(
              EscException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.EVENT_TOO_LARGE));
      assertThat(node.produceRequests).hasSize(1);
    }
  }

  @Test
  void largeEventsAreSplitSoNoRequestOutgrowsAFrame() throws Exception {
    try (FakeNode node = new FakeNode(ErrorCode.OK);
        Producer p = new Producer(settings(node).withBatchSize(256))) {
      List<java.util.concurrent.CompletableFuture<Long>> acks = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        acks.add(p.send(Event.of("big-" + i, "t", Priority.LOW, new byte[900_000])));
      }
      acks.forEach(java.util.concurrent.CompletableFuture::join);
      assertThat(node.requestBytes).allSatisfy(b -> assertThat(b).isLessThan(2 * 900_100));
      assertThat(node.produceRequests.stream().mapToInt(List::size).sum()).isEqualTo(20);
    }
  }

  @Test
  void aLeaderThatFallsSilentIsLeftForTheLeaderAnotherNodeNames() throws Exception {
    try (FakeNode paused = new FakeNode("n1", ErrorCode.OK);
        FakeNode elected = new FakeNode("n2", ErrorCode.OK)) {
      Producer.Settings both =
          Producer.Settings.defaults(List.of(paused.endpoint(), elected.endpoint()))
              .withLinger(Duration.ofMillis(1));
      try (Producer p = new Producer(both)) {
        assertThat(p.send(Event.of("before", "t", Priority.HIGH, new byte[1])).join()).isEqualTo(5);
        paused.silent = true;
        long sentAt = System.nanoTime();
        var during = p.send(Event.of("during", "t", Priority.HIGH, new byte[1]));

        assertThat(during).succeedsWithin(Duration.ofSeconds(5)).isEqualTo(5L);
        long waitedMillis = (System.nanoTime() - sentAt) / 1_000_000;
        assertThat(waitedMillis)
            .as("moved after the silence, long before the 20 s request timeout")
            .isGreaterThanOrEqualTo(StalledLeaderWatch.SILENCE.toMillis());
      }
      assertThat(paused.produceRequests)
          .extracting(ids -> ids.get(0))
          .containsExactly("before", "during");
      assertThat(elected.produceRequests).containsExactly(List.of("during"));
    }
  }
}
