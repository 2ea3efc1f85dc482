package io.eventstreamcore.node.dedup;

import static io.eventstreamcore.node.replication.Admission.ADMIT;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.internal.util.ConcurrencyUtil;
import io.eventstreamcore.node.replication.Admission;
import io.eventstreamcore.node.replication.Admission.Duplicate;
import io.eventstreamcore.node.replication.Admission.Refuse;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.StoreConfig;
import io.eventstreamcore.protocol.Event;
import io.eventstreamcore.protocol.EventCodec;
import io.eventstreamcore.protocol.Priority;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dedup flow on a one-member table: claim, record as stored, answer duplicates. */
class DedupTableTest {
  /** Each test starts a term of its own, as a new leader would. */
  private static final AtomicLong term = new AtomicLong();

  private static final AtomicBoolean leading = new AtomicBoolean(true);

  @TempDir static Path dir;
  private static EventStore store;
  private static DedupTable table;
  private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private static String clusterName;

  @BeforeAll
  static void start() throws IOException {
    store = EventStore.open(dir, new StoreConfig(1 << 20, 4096, -1, -1));
    clusterName = "dedup-test-" + UUID.randomUUID();
    table =
        new DedupTable(
            settings(clusterName),
            term::get,
            leading::get,
            store,
            meters,
            e -> {
              throw new AssertionError("the member did not start", e);
            });
    table.startMember();
    // The member starts in the background; these tests are about a table that is up.
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> table.memberState().startsWith("running"));
    // As Raft starts: the store has no snapshot, the filters are read from it.
    table.recorder().cutBack(-1);
    // The first leader's first write makes the buckets, recorded from the log's start.
    long t = term.incrementAndGet();
    startTerm(t);
    table.recorder().applied(t, 10 * t + 1, -1, List.of(event("setup", "k")), at(0));
    awaitRecordedThroughAndFiltersTrusted(10 * t + 1);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> admit(0, event("setup", "k")).equals(List.of(new Duplicate(0))));
  }

  /**
   * The term's first entry applies here, as a leader's no-op entry does: one without events, right
   * after the last test's entries as far as the records are concerned.
   */
  private static void startTerm(long t) {
    table.recorder().applied(t, 10 * t, -1, List.of(), at());
  }

  static DedupTable.Settings settings() throws IOException {
    return settings("dedup-test-" + UUID.randomUUID());
  }

  private static DedupTable.Settings settings(String clusterName) throws IOException {
    int port = freePort();
    return new DedupTable.Settings(
        clusterName,
        "127.0.0.1",
        Optional.of("127.0.0.1"),
        port,
        List.of("127.0.0.1:" + port),
        Optional.empty(),
        7,
        40,
        Duration.ofMinutes(5),
        60_000,
        Duration.ofSeconds(1));
  }

  @AfterAll
  static void stop() throws IOException {
    table.close();
    store.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static ByteBuffer event(String topic, String id) {
    return ByteBuffer.wrap(EventCodec.encode(Event.of(id, topic, Priority.HIGH, new byte[4])));
  }

  private static List<Admission.Verdict> admit(long batch, ByteBuffer... events) {
    return table
        .admission()
        .admit(batch, List.of(events))
        .orTimeout(30, TimeUnit.SECONDS)
        .join()
        .each();
  }

  @Test
  void hazelcastCompletesItsFuturesOnTheNodesPoolNotOnANewThreadEach() throws Exception {
    CompletableFuture<String> ranOn = new CompletableFuture<>();
    ConcurrencyUtil.getDefaultAsyncExecutor()
        .execute(() -> ranOn.complete(Thread.currentThread().getName()));
    assertThat(ranOn.get(10, TimeUnit.SECONDS)).isEqualTo("esc-dedup-callback");
  }

  @Test
  void inKubernetesMembersAreFoundByDnsLookupOfTheHeadlessService() {
    DedupTable.Settings s =
        new DedupTable.Settings(
            "esc",
            "10.0.0.7",
            Optional.empty(),
            5801,
            List.of("ignored:1"),
            Optional.of("esc-peers.prod.svc.cluster.local"),
            7,
            40,
            Duration.ofMinutes(5),
            60_000,
            Duration.ofSeconds(5));
    AdvancedNetworkConfig net = DedupTable.config(s).getAdvancedNetworkConfig();
    assertThat(net.isEnabled()).isTrue();
    // No client endpoint: the port speaks the member protocol only.
    assertThat(net.getEndpointConfigs()).containsOnlyKeys(EndpointQualifier.MEMBER);
    JoinConfig join = net.getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperties())
        .containsEntry("service-dns", "esc-peers.prod.svc.cluster.local")
        .containsEntry("service-port", "5801");
  }

  @Test
  void aNewTermIsRefusedUntilTheLogBeforeItIsRecorded() {
    long t = term.incrementAndGet();
    assertThat(admit(1, event("t", "x"))).singleElement().isInstanceOf(Refuse.class);
    startTerm(t);
    assertThat(admitOnceRecorded(1, event("t", "x"))).containsExactly(Admission.ADMIT);
  }

  /**
   * Admits once this node's records before the current term are written (a new term writes them at
   * once, but the write is a round trip) and the buckets asked hold them: a test that played a
   * follower may have left stamps that no leader wrote, and the buckets are then refilled first.
   */
  private static List<Admission.Verdict> admitOnceRecorded(long batch, ByteBuffer... events) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<Admission.Verdict> verdicts = admit(batch, events);
    while (verdicts.stream().anyMatch(DedupTableTest::refusedUntilRecorded)
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      verdicts = admit(batch, events);
    }
    return verdicts;
  }

  @Test
  void aBucketLostWithoutThisLeaderHearingOfItAnswersNoRetryUntilTheLeaderRefilledItFromItsLog() {
    long t = term.incrementAndGet();
    startTerm(t);
    ByteBuffer retried = event("lost", "retried");
    long offset = store.append(List.of(retried.duplicate()), List.of("lost"))[0];
    table.recorder().applied(t, 10 * t + 1, -1, List.of(retried.duplicate()), at(offset));
    awaitRecordedThroughAndFiltersTrusted(10 * t + 1);
    assertThat(admitOnceRecorded(1, retried.duplicate())).containsExactly(new Duplicate(offset));

    // What Hazelcast leaves of a partition whose owner and backup left at once, seen by a leader
    // that joined after the loss and so was told nothing: no bucket.
    member().getMap(DedupTable.MAP).delete(DedupKey.of(retried.duplicate()).bucket());

    assertThat(admit(2, retried.duplicate()))
        .as("a retry whose record was lost")
        .singleElement()
        .isNotEqualTo(ADMIT);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(admit(3, retried.duplicate()))
                    .as("once the leader refilled the bucket from its log")
                    .containsExactly(new Duplicate(offset)));
  }

  @Test
  void aCopyOfABucketThatMissedAWriteAnswersNoRetryUntilTheLeaderRefilledItFromItsLog() {
    long t = term.incrementAndGet();
    startTerm(t);
    ByteBuffer first = event("split", "first");
    ByteBuffer retried = sameBucketAs(first, "split");
    int bucket = DedupKey.of(first.duplicate()).bucket();
    long firstOffset = store.append(List.of(first.duplicate()), List.of("split"))[0];
    table.recorder().applied(t, 10 * t + 1, -1, List.of(first.duplicate()), at(firstOffset));
    awaitRecordedThroughAndFiltersTrusted(10 * t + 1);
    assertThat(admitOnceRecorded(1, first.duplicate())).containsExactly(new Duplicate(firstOffset));

    // The copy that the other side of a Hazelcast split keeps, or a backup that missed a write.
    IdBucket copy = member().<Integer, IdBucket>getMap(DedupTable.MAP).get(bucket);
    long offset = store.append(List.of(retried.duplicate()), List.of("split"))[0];
    table.recorder().applied(t, 10 * t + 2, -1, List.of(retried.duplicate()), at(offset));
    awaitRecordedThroughAndFiltersTrusted(10 * t + 2);
    assertThat(admitOnceRecorded(2, retried.duplicate())).containsExactly(new Duplicate(offset));

    // That copy is the one the leader asks next: the sides merged, or the owner left.
    member().<Integer, IdBucket>getMap(DedupTable.MAP).put(bucket, copy);

    assertThat(admit(3, retried.duplicate()))
        .as("a retry whose record this copy never got")
        .singleElement()
        .isNotEqualTo(ADMIT);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(admit(4, retried.duplicate(), first.duplicate()))
                    .as("once the leader refilled the bucket from its log")
                    .containsExactly(new Duplicate(offset), new Duplicate(firstOffset)));
  }

  /** An event of the topic whose id falls into the same bucket as {@code other}'s. */
  private static ByteBuffer sameBucketAs(ByteBuffer other, String topic) {
    int bucket = DedupKey.of(other.duplicate()).bucket();
    for (int i = 0; ; i++) {
      ByteBuffer e = event(topic, "id-" + i);
      if (DedupKey.of(e.duplicate()).bucket() == bucket && !e.equals(other)) {
        return e;
      }
    }
  }

  private static HazelcastInstance member() {
    return Hazelcast.getAllHazelcastInstances().stream()
        .filter(m -> m.getConfig().getClusterName().equals(clusterName))
        .findFirst()
        .orElseThrow();
  }

  private static boolean refusedUntilRecorded(Admission.Verdict v) {
    return v instanceof Refuse r
        && (r.reason().startsWith("dedup table still recording")
            || r.reason().startsWith("dedup table refilling"));
  }

  @Test
  void aFollowerAdmitsNothingItself() {
    long t = term.incrementAndGet();
    startTerm(t);
    assertThat(admitOnceRecorded(1, event("lead", "warm"))).containsExactly(Admission.ADMIT);
    leading.set(false);
    try {
      assertThat(admit(2, event("lead", "never-seen")))
          .as("the leader may have this id in flight: only it can tell")
          .singleElement()
          .isInstanceOfSatisfying(
              Refuse.class, r -> assertThat(r.reason()).contains("does not lead"));
    } finally {
      leading.set(true);
    }
  }

  @Test
  void anIdStoredOnceIsADuplicateOnItsTopicOnly() {
    long t = term.incrementAndGet();
    startTerm(t);
    assertThat(
            admitOnceRecorded(1, event("orders", "a"), event("orders", "b"), event("orders", "a")))
        .satisfiesExactly(
            v -> assertThat(v).isEqualTo(Admission.ADMIT),
            v -> assertThat(v).isEqualTo(Admission.ADMIT),
            v -> assertThat(v).as("twice in one batch").isInstanceOf(Refuse.class));
    assertThat(admit(2, event("orders", "a")))
        .as("claimed by a batch that may still commit")
        .singleElement()
        .isInstanceOf(Refuse.class);

    table
        .recorder()
        .applied(
            t,
            10 * t + 1,
            -1,
            List.of(event("orders", "a"), event("orders", "b")),
            new long[] {0, 1});
    assertThat(admit(3, event("orders", "b")))
        .as("applied here, so answered at once even before its record reaches the table")
        .containsExactly(new Duplicate(1));
    assertThat(admit(4, event("orders", "a"), event("payments", "a")))
        .containsExactly(new Duplicate(0), Admission.ADMIT);
  }

  @Test
  void anIdIsHeldUntilItsBatchIsAbandonedAndOnlyByItsOwnBatch() {
    long t = term.incrementAndGet();
    startTerm(t);
    assertThat(admitOnceRecorded(1, event("held", "a"))).containsExactly(Admission.ADMIT);
    table.admission().abandoned(2, List.of(event("held", "a")));
    assertThat(admit(3, event("held", "a")))
        .as("another batch's abandonment does not free it")
        .singleElement()
        .isInstanceOf(Refuse.class);

    table.admission().abandoned(1, List.of(event("held", "a")));

    assertThat(admit(4, event("held", "a"))).containsExactly(Admission.ADMIT);
  }

  @Test
  void aFollowerHoldsItsRecordsUntilTheLeadersStampSaysTheyAreWritten() throws Exception {
    long t = term.incrementAndGet();
    leading.set(false);
    try {
      table.recorder().caughtUp(t, 10 * t);
      table.recorder().applied(t, 10 * t + 1, -1, List.of(event("f", "a")), at(0));
      Thread.sleep(4 * DedupMarker.RECORD_INTERVAL_MILLIS);
      assertThat(table.admission().recordedThrough()).isEqualTo(10 * t);

      table.recorder().applied(t, 10 * t + 2, 10 * t + 1, List.of(event("f", "b")), at(1));
      assertThat(table.admission().recordedThrough()).isEqualTo(10 * t + 1);
    } finally {
      leading.set(true);
      table.recorder().applied(term.incrementAndGet(), 10 * term.get(), -1, List.of(), at());
    }
  }

  @Test
  void aFollowerThatLeadsTheNextTermWritesWhatItHoldsBeforeServing() {
    long t = term.incrementAndGet();
    leading.set(false);
    startTerm(t);
    table.recorder().applied(t, 10 * t + 1, -1, List.of(event("held", "k")), at(5));

    leading.set(true);
    long next = term.incrementAndGet();
    table.recorder().applied(next, 10 * next, -1, List.of(), at());

    assertThat(admitOnceRecorded(1, event("held", "k")))
        .as("written to the table when the term started, not claimed anew")
        .containsExactly(new Duplicate(5));
  }

  private static long[] at(long... offsets) {
    return offsets;
  }

  @Test
  void aNewLeaderAdmitsIdsItsFiltersNeverSawWhileItsRecordsAreStillBeingWritten() {
    long earlier = term.incrementAndGet();
    startTerm(earlier);
    table.recorder().applied(earlier, 10 * earlier + 1, -1, List.of(event("nl", "retried")), at(4));
    awaitRecordedThroughAndFiltersTrusted(10 * earlier + 1);

    long t = term.incrementAndGet();
    try (StuckPartitions stuck = StuckPartitions.hold()) {
      // The term's first entry applies; its record cannot reach the table while it is stuck.
      table.recorder().applied(t, 10 * t, -1, List.of(event("nl", "last-of-old-term")), at(5));
      assertThat(
              admit(
                  1, event("nl", "retried"), event("nl", "fresh"), event("nl", "last-of-old-term")))
          .satisfiesExactly(
              v -> assertRefused(v, "dedup table still recording the log before term " + t),
              v -> assertThat(v).as("never applied: certain from the log").isEqualTo(ADMIT),
              v -> assertThat(v).as("applied here, record unwritten").isEqualTo(new Duplicate(5)));
    }
    assertThat(admitOnceRecorded(2, event("nl", "retried"))).containsExactly(new Duplicate(4));
  }

  @Test
  void aTableThatDoesNotAnswerInTimeCostsOnlyTheIdsItWouldHaveBeenAsked() {
    long t = term.incrementAndGet();
    startTerm(t);
    table.recorder().applied(t, 10 * t + 1, -1, List.of(event("slow", "retried")), at(8));
    awaitRecordedThroughAndFiltersTrusted(10 * t + 1);

    try (StuckPartitions stuck = StuckPartitions.hold()) {
      assertThat(admit(1, event("slow", "retried"), event("slow", "fresh")))
          .satisfiesExactly(
              v -> assertRefused(v, "dedup table gave no answer: none within 1000 ms"),
              v -> assertThat(v).isEqualTo(ADMIT));
    }
    assertThat(admitOnceRecorded(2, event("slow", "retried")))
        .as("once the table answers again")
        .containsExactly(new Duplicate(8));
  }

  private static void assertRefused(Admission.Verdict v, String reason) {
    assertThat(v)
        .isInstanceOfSatisfying(Refuse.class, r -> assertThat(r.reason()).startsWith(reason));
  }

  private static void awaitRecordedThroughAndFiltersTrusted(long index) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                table.admission().recordedThrough() >= index
                    && meters.get("esc.dedup.filter.trusted").gauge().value() == 1);
  }
}
