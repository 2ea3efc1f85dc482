package io.eventstreamcore.node.dedup;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import com.hazelcast.partition.PartitionService;
import io.eventstreamcore.node.replication.Admission;
import io.eventstreamcore.node.replication.ApplyListener;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.threads.DaemonThreads;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.Closeable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * This node's member of the embedded Hazelcast cluster that holds the dedup table (event key →
 * CLAIMED or STORED), sharded across the engine nodes with one synchronous backup, entries kept for
 * the dedup window. The Raft log stays the source of truth; the table only answers "was this id
 * stored already, and where".
 *
 * <p>The map's values are {@link IdBucket}s, each holding the entries of many keys in flat arrays,
 * rather than one map entry per id: Hazelcast's bookkeeping per entry (record, expiry, backup
 * bytes) cost more CPU than the rest of the write path and about 670 bytes of heap per id.
 */
public final class DedupTable implements Closeable {
  static final String MAP = "esc-dedup";

  /**
   * Heap per entry at most: a 40-byte slot in a table at least a quarter full (docs/benchmarks.md
   * has what it measures to).
   */
  static final int BYTES_PER_ENTRY = 160;

  /** Keeps a generation's slot array well within Java's array size limit. */
  private static final int MAX_ENTRIES_PER_GENERATION = 1 << 24;

  private final CompletableFuture<HazelcastInstance> member = new CompletableFuture<>();
  private final MemberStart memberStart;
  private final DedupBuckets table;
  private final DedupMarker marker;
  private final Deduplicator deduplicator;
  private final IncompleteBucketRefill refill;
  private final RecentIds recent;
  private final RecentIdsFill recentFill;
  private final AppliedEvents applied;
  private static final Logger LOG = Logger.getLogger(DedupTable.class);

  private final ScheduledExecutorService watch =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("esc-dedup-watch"));

  /**
   * How many members there were when a sample last found every partition backed up and owned by all
   * of them (-1 if none did): a member that joined since has no partitions yet, so "in sync" from
   * before its join would let a roll stop the next node mid-migration.
   */
  private volatile int membersInSync = -1;

  private volatile long[] localStats = {0, 0, 0, -1};
  private final DedupWindow keptWindow;

  public record Settings(
      String clusterName,
      String host,
      Optional<String> bindAddress,
      int port,
      List<String> members,
      Optional<String> kubernetesServiceDns,
      int partitions,
      int maxHeapPercent,
      Duration window,
      long staleClaimMillis,
      Duration tableTimeout) {}

  /**
   * @param leading whether this node leads the Raft group now (the leader writes the records)
   * @param log this node's event store, from which lost entries are refilled
   * @param onStartFailure told if this node's Hazelcast member cannot start (it starts in the
   *     background, on {@link #startMember})
   */
  public DedupTable(
      Settings s,
      LongSupplier raftTerm,
      BooleanSupplier leading,
      EventStore log,
      MeterRegistry meters,
      Consumer<Throwable> onStartFailure) {
    HazelcastCallbackPool.install();
    this.memberStart = new MemberStart(config(s), member, onStartFailure);
    this.table =
        new DedupBuckets(
            member, s.window().toMillis(), maxEntriesPerGeneration(s, Runtime.getRuntime()));
    DedupMetrics metrics = new DedupMetrics(meters);
    this.marker = new DedupMarker(table, metrics, leading, s.window().toMillis());
    LogWindow window = new LogWindow(log);
    this.refill =
        new IncompleteBucketRefill(table, window, s.window(), metrics, raftTerm, leading, marker);
    member.thenAccept(m -> m.<Integer, IdBucket>getMap(MAP).addPartitionLostListener(refill));
    long windowMillis = s.window().toMillis();
    this.keptWindow = new DedupWindow(windowMillis);
    this.recent =
        new RecentIds(
            windowMillis, maxFilteredKeys(s, Runtime.getRuntime()), System.currentTimeMillis());
    this.recentFill = new RecentIdsFill(recent, window, windowMillis);
    InFlightIds inFlight = new InFlightIds(s.staleClaimMillis());
    this.applied = new AppliedEvents(recent, recentFill, marker, inFlight);
    this.deduplicator =
        new Deduplicator(
            table,
            recent,
            inFlight,
            marker,
            refill,
            raftTerm,
            leading,
            s.staleClaimMillis(),
            s.tableTimeout().toMillis(),
            metrics);
    // Asking Hazelcast whether every backup is in sync can block for seconds while members come
    // and go, so it is asked here, in the background, and never by a health probe.
    watch.scheduleWithFixedDelay(this::watch, 0, 1, TimeUnit.SECONDS);
    Gauge.builder("esc.dedup.refilling", refill, r -> r.inProgress() ? 1 : 0)
        .description(
            "1 while the leader refills incomplete buckets from its log; retries of their ids are"
                + " refused meanwhile")
        .register(meters);
    Gauge.builder("esc.dedup.records.through", marker, DedupMarker::recordedThrough)
        .description(
            "The Raft log index through which this node knows every applied event's record is in"
                + " the dedup table: the leader's own writes, a follower's from the leader's stamps")
        .register(meters);
    Gauge.builder("esc.dedup.filter.bytes", recent, RecentIds::bytes)
        .description("Heap of this node's filters of the keys it applied within the window")
        .baseUnit("bytes")
        .register(meters);
    Gauge.builder(
            "esc.dedup.filter.trusted", recent, r -> r.trusted(System.currentTimeMillis()) ? 1 : 0)
        .description(
            "1 when this node's filters hold every key of the window; while 0 (reading its log"
                + " back after a restart) a leader asks the table about every key")
        .register(meters);
    Gauge.builder("esc.dedup.table.entries", this, t -> t.localStats[0])
        .description("Dedup entries in the buckets this member owns (backups not counted)")
        .register(meters);
    Gauge.builder("esc.dedup.table.evictions", this, t -> t.localStats[2])
        .description(
            "Ids the buckets this member owns dropped before their window ended, at their heap"
                + " limit")
        .register(meters);
    Gauge.builder(
            "esc.dedup.window.effective", keptWindow, w -> w.kept().effectiveMillis() / 1000.0)
        .description(
            "The dedup window this member keeps every id for: the configured one, or less for one"
                + " window after its buckets reached their heap limit")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder("esc.dedup.table.bytes", this, t -> t.localStats[1])
        .description("Heap of the buckets this member owns (backups not counted)")
        .baseUnit("bytes")
        .register(meters);
  }

  /** Starts this node's member in the background, once Raft is up ({@link MemberStart}). */
  public void startMember() {
    memberStart.begin();
  }

  /**
   * A bucket's generation ends early at this size, so that the table stays within its share of the
   * heap even on a member that holds every bucket (two generations each): a lone member, or each of
   * two that survive a third.
   */
  static int maxEntriesPerGeneration(Settings s, Runtime runtime) {
    long share = runtime.maxMemory() / 100 * s.maxHeapPercent();
    return (int)
        Math.min(MAX_ENTRIES_PER_GENERATION, share / BYTES_PER_ENTRY / 2 / DedupKey.BUCKETS);
  }

  /**
   * The filters keep up to twice as many keys as the table can hold (every bucket on one member):
   * beyond that the table forgets keys early itself.
   */
  static long maxFilteredKeys(Settings s, Runtime runtime) {
    return 2L * 2 * DedupKey.BUCKETS * maxEntriesPerGeneration(s, runtime);
  }

  static Config config(Settings s) {
    Config c = new Config();
    c.setClusterName(s.clusterName());
    c.setClassLoader(Thread.currentThread().getContextClassLoader());
    c.getSerializationConfig()
        .addDataSerializableFactory(DedupSerialization.FACTORY_ID, new DedupSerialization());
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.logging.type", "jdk");
    // A member that stops answering is dropped after 3 s (default 60 s): until then, ids in its
    // partitions cannot be claimed and writes wait. Invocations that hit a dead member retry every
    // 50 ms (default 500 ms) so they resume as soon as its backups are promoted.
    c.setProperty("hazelcast.max.no.heartbeat.seconds", "3");
    c.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    c.setProperty("hazelcast.invocation.retry.pause.millis", "50");
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    // A member dropped while it was cut off forms a cluster of its own, and Hazelcast looks for
    // other clusters to merge with only after 300 s and then every 120 s. Until then a leader on
    // either side reads and writes only its side of the table: FaultInjectionIT stored 20 retried
    // events twice when the leader was cut off seconds after a follower's cut had healed. Looking
    // every 5 s merged the sides 2.6 s after a heal (DedupTableRejoinIT).
    c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // A batch's claims and records cost one operation (and one backup) per partition they touch:
    // with few partitions a batch of 64 events touches a few, not 60 of the default 271.
    c.setProperty("hazelcast.partition.count", Integer.toString(s.partitions()));
    // Members only: with the advanced network on and no client endpoint, this port speaks the
    // member protocol alone, so no Hazelcast client can connect and change the dedup table.
    ServerSocketEndpointConfig members =
        new ServerSocketEndpointConfig()
            .setPort(s.port())
            .setPortAutoIncrement(false)
            .setPublicAddress(s.host() + ":" + s.port());
    if (s.bindAddress().isPresent()) {
      // Only where the node is told to listen (docs/operations.md, Security).
      c.setProperty("hazelcast.socket.bind.any", "false");
      members.setInterfaces(
          new InterfacesConfig().setEnabled(true).addInterface(ipOf(s.bindAddress().get())));
    }
    AdvancedNetworkConfig net = c.getAdvancedNetworkConfig().setEnabled(true);
    net.setMemberEndpointConfig(members);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (s.kubernetesServiceDns().isPresent()) {
      // DNS lookup of the headless Service: needs no Kubernetes API access, so no extra RBAC.
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", s.kubernetesServiceDns().get())
          .setProperty("service-port", Integer.toString(s.port()));
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(s.members());
    }
    // Buckets stay objects, so the processors change them in place instead of copying them in
    // and out of bytes; they expire and bound their entries themselves (IdBucket).
    c.addMapConfig(
        new MapConfig(MAP)
            .setInMemoryFormat(InMemoryFormat.OBJECT)
            .setBackupCount(1)
            .setAsyncBackupCount(0));
    return c;
  }

  private static String ipOf(String host) {
    try {
      return InetAddress.getByName(host).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve the bind address " + host, e);
    }
  }

  private void watch() {
    if (!table.isStarted()) {
      return;
    }
    try {
      membersInSync = membersInSync(member.join());
      localStats = table.localStats();
      keptWindow.observe(localStats[3], localStats[2], System.currentTimeMillis());
    } catch (RuntimeException e) {
      membersInSync = -1;
    }
  }

  private static int membersInSync(HazelcastInstance m) {
    int members = m.getCluster().getMembers().size();
    PartitionService partitions = m.getPartitionService();
    Set<Partition> all = partitions.getPartitions();
    long owners = all.stream().map(Partition::getOwner).filter(Objects::nonNull).distinct().count();
    boolean balanced = owners == Math.min(members, all.size());
    return balanced && partitions.isClusterSafe() ? members : -1;
  }

  /** The window this member keeps every id for, and the configured one. */
  public DedupWindow.Kept keptWindow() {
    return keptWindow.kept();
  }

  public Admission admission() {
    return deduplicator;
  }

  public ApplyListener recorder() {
    return applied;
  }

  /** For the health details: running, members seen, backups in sync, refilling. */
  public String memberState() {
    if (!table.isStarted()) {
      return member.isCompletedExceptionally() ? "failed to start" : "starting";
    }
    HazelcastInstance m = member.join();
    if (!m.getLifecycleService().isRunning()) {
      return "stopped";
    }
    int members = m.getCluster().getMembers().size();
    return "running, members "
        + members
        + ", "
        + (membersInSync == members ? "backups in sync" : "backups syncing")
        + (refill.inProgress() ? ", refilling incomplete buckets from the log" : "")
        + (recent.trusted(System.currentTimeMillis()) ? "" : ", reading the log into its filters");
  }

  @Override
  public void close() {
    memberStart.close();
    watch.shutdownNow();
    marker.close();
    refill.close();
    recentFill.close();
    // A member still starting is shut down once it is up.
    member.thenAccept(HazelcastInstance::shutdown);
  }
}
