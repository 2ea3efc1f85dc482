package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.eventstreamcore.client.Producer;
import io.eventstreamcore.protocol.ErrorCode;
import io.eventstreamcore.protocol.ErrorReply;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.FetchRequest;
import io.eventstreamcore.protocol.Frame;
import io.eventstreamcore.protocol.FrameType;
import io.eventstreamcore.protocol.Hello;
import io.eventstreamcore.protocol.Priority;
import io.eventstreamcore.protocol.ProduceAck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken clients against a real three-node cluster: names the store cannot hold,
 * unfinished large frames, replies nobody reads, connection floods, silence and a byte at a time,
 * and HTTP input that used to be answered 500 or guessed at. After each, the cluster must still
 * take and serve events, and at the end every acknowledged event is on every node exactly once.
 */
class HostileClientsIT {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final int MAX_CONNECTIONS = 100;
  private static final int FUZZ_FRAMES = 2_000;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(4);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  static LocalCluster cluster;

  /** topic → id → offset, for every event acknowledged in this class. */
  static final Map<String, Map<String, Long>> ACKED = new HashMap<>();

  private static final AtomicInteger ROUND = new AtomicInteger();

  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    cluster =
        LocalCluster.of(
            dir,
            3,
            LocalCluster.freeBasePort(3),
            List.of(
                "esc.server.max-connections=" + MAX_CONNECTIONS,
                "esc.server.handshake-timeout=2s",
                "esc.server.request-timeout=" + REQUEST_TIMEOUT.toSeconds() + "s",
                "esc.server.max-receiving-bytes=" + (32 << 20)));
    cluster.start();
    cluster.awaitReady(Duration.ofSeconds(90));
  }

  @AfterAll
  static void everyAcknowledgedEventIsOnEveryNodeOnce() throws Exception {
    try {
      for (Map.Entry<String, Map<String, Long>> topic : ACKED.entrySet()) {
        List<List<String>> logs = Nodes.converged(cluster, topic.getKey());
        for (List<String> ids : logs) {
          assertThat(ids).doesNotHaveDuplicates();
          topic
              .getValue()
              .forEach((id, offset) -> assertThat(ids.get(offset.intValue())).isEqualTo(id));
        }
      }
    } finally {
      Nodes.killAll(cluster);
    }
  }

  @AfterEach
  void closeWhatTheTestOpened() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  /**
   * Mutated frames at every node of the cluster, pipelined on one connection each: every frame gets
   * exactly one reply, and what the nodes acknowledged is what each of them stores, no more.
   */
  @Test
  void mutatedFramesAtEveryNodeAreAnsweredAndOnlyAcknowledgedEventsStored() throws Exception {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    System.out.println("cluster fuzz seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
    FrameMutants mutants = new FrameMutants(seed);
    String topic = "fuzz-cluster";
    long acknowledged = 0;
    for (LocalNode n : cluster.nodes()) {
      try (WireSocket c = WireSocket.greeted(n.spec().clientEndpoint())) {
        for (int id = 2; id < 2 + FUZZ_FRAMES; id++) {
          c.write(mutants.next(id, topic));
        }
        // A mutated FETCH may be a valid long poll (at most 60 s) of a topic that gets nothing.
        c.readTimeout(Duration.ofMillis(FetchRequest.MAX_WAIT_MS + 10_000));
        java.util.Set<Integer> answered = new java.util.HashSet<>();
        while (answered.size() < FUZZ_FRAMES) {
          Frame reply = c.read();
          assertThat(answered.add(reply.requestId()))
              .as("one reply to request %d, seed %d", reply.requestId(), seed)
              .isTrue();
          if (reply.type() == FrameType.PRODUCE_ACK) {
            for (ErrorCode code : ProduceAck.read(reply.reader()).codes()) {
              acknowledged += code == ErrorCode.OK ? 1 : 0;
            }
          } else if (reply.type() == FrameType.ERROR) {
            assertThat(ErrorReply.read(reply.reader()).message()).isNotBlank();
          }
        }
      }
    }
    assertThat(acknowledged).as("seed %d", seed).isPositive();
    List<List<String>> logs = Nodes.converged(cluster, topic);
    for (List<String> ids : logs) {
      assertThat(ids).as("seed %d", seed).hasSize((int) acknowledged).isEqualTo(logs.get(0));
    }
    assertClusterServes();
  }

  @Test
  void topicNamesTheStoreCannotHoldAreRefusedBeforeReplication() throws Exception {
    String longest = "b".repeat(254);
    String slashes = "%2F".repeat(85) + "x";
    for (LocalNode n : cluster.nodes()) {
      for (String topic : List.of(longest, slashes)) {
        HttpResponse<String> r =
            post(n.spec().httpUrl() + "/api/v1/topics/" + topic + "/events", "{\"id\":\"p\"}");
        assertProblem(r, 400, "INVALID_TOPIC");
        assertThat(r.body()).contains("at most 253");
      }
    }
    try (WireSocket c = WireSocket.greeted(cluster.nodes().get(0).spec().clientEndpoint())) {
      c.send(FrameType.PRODUCE, 7, w -> w.i32(1).raw(eventWithTopicOfSlashes(85)));
      ProduceAck ack = ProduceAck.read(c.read().reader());
      assertThat(ack.codes()).containsExactly(ErrorCode.INVALID_TOPIC);
    }
    assertClusterServes();
  }

  @Test
  void unfinishedLargeFramesWaitForABoundedBudgetAndTimeOut() throws Exception {
    LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
    String endpoint = leader.spec().clientEndpoint();
    long waitsBefore = (long) Nodes.metric(leader, "esc_client_receive_budget_waits_total");
    ExecutorService senders = Executors.newFixedThreadPool(16);
    try {
      // 48 frames of 8 MiB, each one byte short: 384 MiB if the node held them all (its heap is
      // 512 MiB); the budget is 32 MiB, so most must wait unread.
      byte[] frame = new byte[8 << 20];
      ByteBuffer.wrap(frame).putInt(frame.length - 4);
      for (int i = 0; i < 48; i++) {
        WireSocket c = WireSocket.greeted(endpoint);
        opened.add(c);
        senders.submit(
            () -> {
              c.write(java.util.Arrays.copyOf(frame, frame.length - 1));
              return null;
            });
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  (long) Nodes.metric(leader, "esc_client_receive_budget_waits_total")
                      > waitsBefore);
      assertClusterServes();
      await()
          .atMost(REQUEST_TIMEOUT.multipliedBy(4))
          .until(() -> closedByNode(leader, "request-timeout") > 0);
      assertThat(leader.isRunning()).isTrue();
    } finally {
      senders.shutdownNow();
    }
    assertClusterServes();
  }

  @Test
  void aClientThatReadsNoRepliesIsPausedAndThenClosed() throws Exception {
    LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
    byte[] payload = new byte[512 * 1024];
    List<Event> big = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      big.add(Event.of("big-" + i, "big", Priority.LOW, payload));
    }
    produce(big, 4);
    long closedBefore = closedByNode(leader, "replies-unread");
    WireSocket hostile = WireSocket.greeted(leader.spec().clientEndpoint());
    opened.add(hostile);
    // 300 pipelined fetches of up to 8 MiB each, none of whose replies is ever read.
    for (int i = 0; i < 300; i++) {
      hostile.send(FrameType.FETCH, 100 + i, new FetchRequest("big", 0, 1000, 8 << 20, 0)::write);
    }
    long start = System.nanoTime();
    try (WireSocket normal = WireSocket.greeted(leader.spec().clientEndpoint())) {
      normal.send(FrameType.FETCH, 2, new FetchRequest("big", 0, 1, 1 << 20, 0)::write);
      assertThat(normal.read().type()).isEqualTo(FrameType.FETCH_RESULT);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    await()
        .atMost(REQUEST_TIMEOUT.multipliedBy(4))
        .until(() -> closedByNode(leader, "replies-unread") > closedBefore);
    assertClusterServes();
  }

  @Test
  void connectionsBeyondTheLimitAreRefusedWithOverloaded() throws Exception {
    String endpoint = cluster.nodes().get(1).spec().clientEndpoint();
    List<WireSocket> flood = new ArrayList<>();
    ErrorReply refusal = null;
    while (refusal == null && flood.size() <= MAX_CONNECTIONS) {
      WireSocket c = WireSocket.open(endpoint);
      opened.add(c);
      c.send(FrameType.HELLO, 1, Hello.anonymous("flood")::write);
      Frame answer = c.read();
      if (answer.type() == FrameType.ERROR) {
        refusal = ErrorReply.read(answer.reader());
        assertThat(c.closedByNode(Duration.ofSeconds(5))).isTrue();
      } else {
        flood.add(c);
      }
    }
    assertThat(refusal).isNotNull();
    assertThat(refusal.code()).isEqualTo(ErrorCode.OVERLOADED);
    // Connections of earlier tests may not all be gone yet; the limit counts them too.
    assertThat(flood.size()).isBetween(MAX_CONNECTIONS - 10, MAX_CONNECTIONS);
    for (WireSocket c : flood) {
      c.close();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(
            () -> {
              try (WireSocket again = WireSocket.greeted(endpoint)) {
                return true;
              }
            });
    assertClusterServes();
  }

  @Test
  void silentAndTricklingClientsAreClosed() throws Exception {
    LocalNode node = cluster.nodes().get(2);
    try (WireSocket silent = WireSocket.open(node.spec().clientEndpoint())) {
      assertThat(silent.closedByNode(Duration.ofSeconds(6))).as("no HELLO").isTrue();
    }
    try (WireSocket trickle = WireSocket.greeted(node.spec().clientEndpoint())) {
      byte[] header = ByteBuffer.allocate(4).putInt(1_000).array();
      trickle.write(header);
      assertThat(trickleUntilClosed(trickle::write)).as("a frame a byte at a time").isTrue();
    }
    try (Socket http = new Socket("127.0.0.1", URI.create(node.spec().httpUrl()).getPort())) {
      OutputStream out = http.getOutputStream();
      out.write(
          ("POST /api/v1/topics/slow/events HTTP/1.1\r\nHost: x\r\n"
                  + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(trickleUntilClosed(b -> writeFlush(out, b))).as("an HTTP body, slowly").isTrue();
    }
    assertClusterServes();
  }

  @Test
  void raftAndHazelcastListenOnlyWhereTheNodeIsToldTo() throws Exception {
    LocalNode n = cluster.nodes().get(0);
    int raft = n.spec().raftPort();
    for (int port : new int[] {raft, raft + 100}) {
      try (Socket reached = new Socket("127.0.0.1", port)) {
        assertThat(reached.isConnected()).isTrue();
      }
      // The same port on another loopback address answers only if it listens on every interface.
      assertThatThrownBy(() -> new Socket("127.0.0.2", port).close())
          .as("port %d on 127.0.0.2", port)
          .isInstanceOf(java.net.ConnectException.class);
    }
  }

  @Test
  void badHttpInputIsAProblemDocumentNeverA500OrAGuess() throws Exception {
    String base = cluster.nodes().get(0).spec().httpUrl();
    String events = base + "/api/v1/topics/h/events";
    assertProblem(post(events, "[null]"), 400, null);
    assertProblem(post(events, "{\"id\":\"h\",\"headers\":{\"k\":null}}"), 400, null);
    assertProblem(post(events, "{\"id\":\"t\"} xyz"), 400, null);
    assertProblem(post(events, "{\"id\":5}"), 400, null);
    assertProblem(post(events, "{\"id\":\"x\",\"paylod\":\"y\"}"), 400, null);
    assertProblem(post(events, "{\"id\":\"x\",\"timestamp\":\"soon\"}"), 400, null);
    byte[] invalidUtf8 = {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'};
    assertProblem(post(events, invalidUtf8), 400, null);
    for (String query :
        List.of("from=abc", "from=99999999999999999999", "max=2147483648", "max=0", "waitMs=-1")) {
      HttpResponse<String> r = get(events + "?" + query);
      assertProblem(r, 400, null);
      assertThat(r.body()).contains(query.substring(0, query.indexOf('=')));
    }
    LocalNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
    assertProblem(post(leader.spec().httpUrl() + "/api/v1/dlq/purge?before=abc", ""), 400, null);
    assertProblem(get(base + "/api/v1/no-such-thing"), 404, null);
    assertProblem(get(base + "/internal/v1/catch-up/records?topic=h&max-bytes=-1"), 400, null);
    HttpResponse<String> ok = post(events, "{\"id\":\"h-ok\",\"payload\":\"fine\"}");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(get(events + "?from=0").body()).contains("\"id\":\"h-ok\"");
    assertClusterServes();
  }

  /** Produces a fresh round of events to all nodes and reads each back from every node. */
  private void assertClusterServes() throws Exception {
    String topic = "alive-" + ROUND.incrementAndGet();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      events.add(Event.of("e-" + i, topic, Priority.HIGH, ("v" + i).getBytes()));
    }
    Map<String, Long> acked = produce(events, 16);
    for (LocalNode n : cluster.nodes()) {
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> Nodes.readIds(n.spec().clientEndpoint(), topic).size() == acked.size());
    }
  }

  private static Map<String, Long> produce(List<Event> events, int batchSize) throws Exception {
    Map<String, Long> acked = new HashMap<>();
    try (Producer p =
        new Producer(
            Producer.Settings.defaults(cluster.clientEndpoints()).withBatchSize(batchSize))) {
      List<CompletableFuture<Long>> acks = new ArrayList<>();
      for (Event e : events) {
        acks.add(p.send(e));
      }
      for (int i = 0; i < events.size(); i++) {
        acked.put(events.get(i).idAsString(), acks.get(i).get());
      }
    }
    synchronized (ACKED) {
      ACKED.computeIfAbsent(events.get(0).topic(), t -> new HashMap<>()).putAll(acked);
    }
    return acked;
  }

  /**
   * An event whose topic starts with {@code slashes} '/': valid bytes, a name too long to store.
   */
  private static byte[] eventWithTopicOfSlashes(int slashes) {
    String id = "bad";
    byte[] event =
        EventCodec.encode(Event.of(id, "b".repeat(253), Priority.MEDIUM, new byte[] {1}));
    int topicAt = 8 + 1 + 1 + 8 + 1 + id.length() + 1;
    for (int i = 0; i < slashes; i++) {
      event[topicAt + i] = '/';
    }
    CRC32C crc = new CRC32C();
    crc.update(event, 8, event.length - 8);
    ByteBuffer.wrap(event).putInt(4, (int) crc.getValue());
    return event;
  }

  private interface ByteSink {
    void write(byte[] b) throws IOException;
  }

  /** Sends a byte every 300 ms; true when the node closes within three request timeouts. */
  private static boolean trickleUntilClosed(ByteSink sink) throws InterruptedException {
    long deadline = System.nanoTime() + REQUEST_TIMEOUT.multipliedBy(3).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        sink.write(new byte[] {' '});
      } catch (IOException closed) {
        return true;
      }
      Thread.sleep(300); // the pace is the behaviour under test
    }
    return false;
  }

  private static void writeFlush(OutputStream out, byte[] b) throws IOException {
    out.write(b);
    out.flush();
  }

  private static long closedByNode(LocalNode n, String reason) throws Exception {
    return (long)
        Nodes.metric(n, "esc_client_connections_closed_by_node_total{reason=\"" + reason + "\"}");
  }

  private static void assertProblem(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(r.body()).contains("\"detail\"");
    if (code != null) {
      assertThat(r.body()).contains("\"code\":\"" + code + "\"");
    }
  }

  private static HttpResponse<String> post(String url, String json) throws Exception {
    return post(url, json.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> post(String url, byte[] body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(20))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
