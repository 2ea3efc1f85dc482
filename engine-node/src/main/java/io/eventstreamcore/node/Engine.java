package io.eventstreamcore.node;

import io.eventstreamcore.node.batching.Batcher;
import io.eventstreamcore.node.checkpoint.Checkpoints;
import io.eventstreamcore.node.config.NodeConfig;
import io.eventstreamcore.node.consume.AppendSignal;
import io.eventstreamcore.node.consume.ConsumeMetrics;
import io.eventstreamcore.node.consume.FetchService;
import io.eventstreamcore.node.deadletter.DeadLetterQueue;
import io.eventstreamcore.node.dedup.DedupTable;
import io.eventstreamcore.node.ingest.IngestService;
import io.eventstreamcore.node.ingest.ProduceMetrics;
import io.eventstreamcore.node.pipeline.PressureController;
import io.eventstreamcore.node.pipeline.PriorityQueues;
import io.eventstreamcore.node.pipeline.RecentMax;
import io.eventstreamcore.node.pipeline.Signals;
import io.eventstreamcore.node.pipeline.TopicPolicies;
import io.eventstreamcore.node.pipeline.TopicPolicyFile;
import io.eventstreamcore.node.processing.ConfiguredProcessors;
import io.eventstreamcore.node.processing.NodeServices;
import io.eventstreamcore.node.replication.Admission;
import io.eventstreamcore.node.replication.ApplyListener;
import io.eventstreamcore.node.replication.CommitPastLogWatch;
import io.eventstreamcore.node.replication.DivergedFoundingWatch;
import io.eventstreamcore.node.replication.EventStateMachine;
import io.eventstreamcore.node.replication.FollowerResync;
import io.eventstreamcore.node.replication.Peer;
import io.eventstreamcore.node.replication.RaftLogMetrics;
import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.node.replication.SnapshotPoint;
import io.eventstreamcore.node.replication.StorageFullRecovery;
import io.eventstreamcore.node.replication.StuckFollowerWatch;
import io.eventstreamcore.node.replication.UnreadableStorage;
import io.eventstreamcore.node.security.Authenticator;
import io.eventstreamcore.node.security.NodeTls;
import io.eventstreamcore.node.security.PeerHttp;
import io.eventstreamcore.node.server.ClientServer;
import io.eventstreamcore.node.storage.DiskSpace;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.StoreConfig;
import io.eventstreamcore.node.storage.StoreMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.util.SizeInBytes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Wires one engine node together at startup and takes it apart at shutdown: event store, Raft state
 * machine and server, batcher, ingest and fetch services, the binary-protocol listener.
 */
@ApplicationScoped
public class Engine {
  private static final Logger LOG = Logger.getLogger(Engine.class);

  @Inject NodeConfig config;
  @Inject MeterRegistry meters;
  @Inject Vertx vertx;
  @Inject Authenticator authenticator;
  @Inject PeerHttp peerHttp;

  @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080")
  int httpPort;

  private EventStore store;
  private DiskSpace diskSpace;
  private RaftNode raft;
  private Batcher batcher;
  private IngestService ingest;
  private FetchService fetch;
  private ClientServer clientServer;
  private ScheduledExecutorService housekeeping;
  private volatile FollowerResync followerResync;
  private DedupTable dedup;
  private PressureController pressure;
  private PriorityQueues<Batcher.Pending> queues;
  private TopicPolicyFile topicPolicyFile;
  private ProduceMetrics produceMetrics;
  private DeadLetterQueue deadLetters;
  private volatile ConfiguredProcessors processors = ConfiguredProcessors.NONE;

  /** Hazelcast listens this far above the Raft port unless esc.dedup.port says otherwise. */
  private static final int DEDUP_PORT_OFFSET = 100;

  void start(@Observes StartupEvent ev) throws Exception {
    NodeConfig.Node node = config.node();
    NodeConfig.Store s = config.store();
    store =
        EventStore.open(
            Path.of(node.dataDir(), "store"),
            new StoreConfig(
                s.segmentBytes(),
                s.indexIntervalBytes(),
                s.retention().isNegative() || s.retention().isZero()
                    ? -1
                    : s.retention().toMillis(),
                s.retentionBytes()));
    diskSpace = DiskSpace.of(Path.of(node.dataDir()), s.minFreeBytes());
    Gauge.builder("esc.storage.free.bytes", diskSpace, DiskSpace::usableBytes)
        .description("Usable bytes left on the data volume")
        .baseUnit("bytes")
        .register(meters);
    AppendSignal signal = new AppendSignal();
    store.onAppend(signal::appended);
    Optional<NodeTls> tls = NodeTls.of(config.tls());
    List<Peer> peers =
        Peer.parseAll(config.raft().peers(), node.id(), node.clientPort(), httpPort).stream()
            .map(p -> p.withHttps(tls.isPresent()))
            .toList();
    Peer self = peers.stream().filter(p -> p.id().equals(node.id())).findFirst().orElseThrow();
    if (config.dedup().enabled()) {
      dedup =
          new DedupTable(
              dedupSettings(self, peers),
              () -> raft.term(),
              () -> raft.isLeader(),
              store,
              meters,
              Engine::stopOnDedupFailure);
    }
    ApplyListener applied = dedup == null ? ApplyListener.NONE : dedup.recorder();
    try {
      raft =
          new RaftNode(
              config,
              peers,
              () ->
                  new EventStateMachine(
                      store,
                      self,
                      applied,
                      peerHttp,
                      SizeInBytes.valueOf(config.raft().snapshotSize()).getSize()),
              peerHttp,
              tls);
      raft.start();
      if (dedup != null) {
        dedup.startMember();
      }
    } catch (IOException | RuntimeException e) {
      UnreadableStorage.cause(e)
          .ifPresent(c -> UnreadableStorage.report(Path.of(node.terminationLog()), c));
      throw e;
    }
    NodeConfig.Pipeline pc = config.pipeline();
    queues =
        new PriorityQueues<>(
            pc.queueCapacity(), pc.weights().stream().mapToInt(Integer::intValue).toArray());
    queues.registerMetrics(meters);
    RecentMax recentCommit = new RecentMax();
    pressure =
        new PressureController(
            Signals.of(pc, queues, Batcher.Pending::arrivedNanos, recentCommit, raft::quorumLag),
            pc.minDwell().toMillis(),
            System::currentTimeMillis);
    int maxInFlight = config.batch().maxInFlight();
    int pressuredMaxInFlight = Math.min(maxInFlight, pc.pressuredMaxInFlight());
    batcher =
        new Batcher(
            raft,
            dedup == null ? Admission.ALL : dedup.admission(),
            config.batch().maxEvents(),
            config.batch().linger().toNanos(),
            () -> pressure.state().sheds() ? pressuredMaxInFlight : maxInFlight,
            config.batch().entriesInFlight(),
            queues,
            recentCommit,
            node.produceTimeout().toMillis(),
            meters);
    Gauge.builder("esc.pipeline.state", pressure, p -> p.state().ordinal())
        .description("0 HEALTHY, 1 ELEVATED, 2 DEGRADED, 3 CRITICAL, 4 EMERGENCY")
        .register(meters);
    topicPolicyFile = pc.topicPolicyFile().map(f -> new TopicPolicyFile(Path.of(f))).orElse(null);
    ingest =
        new IngestService(
            batcher,
            raft::isLeaderReady,
            () -> !raft.leaderId().isEmpty(),
            raft::forward,
            node.produceTimeout().toMillis(),
            node.maxPayloadBytes(),
            produceMetrics = new ProduceMetrics(meters),
            pressure::state,
            topicPolicyFile == null ? () -> TopicPolicies.NONE : topicPolicyFile::current,
            pc.retryAfter().toMillis(),
            diskSpace::refusal);
    batcher.start(ingest.queuedShedding(queues));
    raft.serve(ingest::serveForwarded);
    Checkpoints checkpoints = new Checkpoints(store, ingest, raft, node.id());
    deadLetters = new DeadLetterQueue(store, ingest, checkpoints);
    processors =
        ConfiguredProcessors.start(
            config.processors(),
            store,
            new NodeServices(raft, checkpoints, deadLetters),
            alert -> ingest.produceInternal(List.of(alert)),
            meters);
    fetch = new FetchService(store, signal, new ConsumeMetrics(meters));
    StoreMetrics.register(meters, store);
    RaftLogMetrics.register(meters);
    clientServer =
        new ClientServer(
            vertx,
            node.id(),
            node.maxFrameBytes(),
            config.server(),
            ingest,
            fetch,
            raft,
            authenticator,
            tls,
            meters);
    clientServer.start(node.clientHost(), node.clientPort());
    housekeeping = Executors.newScheduledThreadPool(3, r -> new Thread(r, "esc-housekeeping"));
    followerResync = new FollowerResync(raft, housekeeping);
    long every = s.retentionCheckInterval().toMillis();
    housekeeping.scheduleWithFixedDelay(this::applyRetention, every, every, TimeUnit.MILLISECONDS);
    housekeeping.scheduleWithFixedDelay(
        new StuckFollowerWatch(
            raft, config.raft().stuckFollowerAfter(), config.health().maxApplyLag(), peerHttp),
        1,
        1,
        TimeUnit.SECONDS);
    housekeeping.scheduleWithFixedDelay(
        new StorageFullRecovery(raft, diskSpace, Duration.ofSeconds(3), System::currentTimeMillis),
        1,
        1,
        TimeUnit.SECONDS);
    housekeeping.scheduleWithFixedDelay(
        new DivergedFoundingWatch(raft, Duration.ofSeconds(3), System::currentTimeMillis, peerHttp),
        1,
        1,
        TimeUnit.SECONDS);
    housekeeping.scheduleWithFixedDelay(
        new CommitPastLogWatch(raft, Duration.ofSeconds(3), System::currentTimeMillis),
        1,
        1,
        TimeUnit.SECONDS);
    if (topicPolicyFile != null) {
      housekeeping.scheduleWithFixedDelay(topicPolicyFile, 1, 1, TimeUnit.SECONDS);
    }
    long check = pc.checkInterval().toMillis();
    housekeeping.scheduleWithFixedDelay(this::stepPressure, check, check, TimeUnit.MILLISECONDS);
    LOG.infof("engine node %s started; data in %s", node.id(), node.dataDir());
  }

  /**
   * Without its Hazelcast member a node could never record what it stores, so a leader would refuse
   * every retry for good: it stops instead, and is restarted like any node that fails to start.
   */
  private static void stopOnDedupFailure(Throwable e) {
    LOG.errorf(e, "the dedup table's Hazelcast member could not start; stopping the node");
    Quarkus.asyncExit(1);
  }

  private DedupTable.Settings dedupSettings(Peer self, List<Peer> peers) {
    NodeConfig.Dedup d = config.dedup();
    String name = config.raft().clusterName();
    // With authentication on, a would-be member must know the member credential to name the
    // Hazelcast cluster and join it. The name crosses the network in clear (docs/operations.md,
    // Security), so this keeps out strangers, not someone who can read the pod network.
    String hazelcastCluster =
        authenticator
            .memberCredential()
            .map(c -> name + "-" + c.secretHash().substring(0, 16))
            .orElse(name);
    return new DedupTable.Settings(
        hazelcastCluster,
        self.host(),
        config.node().bindAddress(),
        d.port().orElse(self.raftPort() + DEDUP_PORT_OFFSET),
        d.members()
            .orElse(
                peers.stream()
                    .map(p -> p.host() + ":" + (p.raftPort() + DEDUP_PORT_OFFSET))
                    .toList()),
        d.kubernetesServiceDns(),
        d.partitions(),
        d.maxHeapPercent(),
        d.window(),
        // A claimed batch settles within the produce timeout (the Raft client's retries included).
        2 * config.node().produceTimeout().toMillis(),
        d.tableTimeout());
  }

  private void stepPressure() {
    try {
      pressure.step();
    } catch (RuntimeException e) {
      LOG.warn("pipeline control step failed", e);
    }
  }

  private void applyRetention() {
    try {
      SnapshotPoint snapshot = raft.stateMachine().latestSnapshot();
      int deleted =
          store.applyRetention(
              System.currentTimeMillis(), snapshot == null ? Map.of() : snapshot.endOffsets());
      if (deleted > 0) {
        LOG.infof("retention deleted %d segments", deleted);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("retention pass failed", e);
    }
  }

  void stop(@Observes ShutdownEvent ev) {
    LOG.info("engine node stopping");
    closeQuietly(clientServer);
    if (housekeeping != null) {
      housekeeping.shutdownNow();
    }
    closeQuietly(processors);
    closeQuietly(batcher);
    closeQuietly(raft);
    closeQuietly(dedup);
    closeQuietly(store);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("close failed: " + c, e);
    }
  }

  public ProduceMetrics produceMetrics() {
    return produceMetrics;
  }

  public DeadLetterQueue deadLetters() {
    return deadLetters;
  }

  /** The in-engine processors this node runs; none before it has started. */
  public ConfiguredProcessors processors() {
    return processors;
  }

  public IngestService ingest() {
    return ingest;
  }

  public FetchService fetch() {
    return fetch;
  }

  public DiskSpace diskSpace() {
    return diskSpace;
  }

  public EventStore store() {
    return store;
  }

  public EventStateMachine stateMachine() {
    return raft.stateMachine();
  }

  /** The dedup table, or null when esc.dedup.enabled is false. */
  public DedupTable dedup() {
    return dedup;
  }

  public PressureController pressure() {
    return pressure;
  }

  public PriorityQueues<Batcher.Pending> queues() {
    return queues;
  }

  /** Null until the node has started. */
  public FollowerResync followerResync() {
    return followerResync;
  }

  public RaftNode raft() {
    return raft;
  }

  public ClientServer clientServer() {
    return clientServer;
  }

  public int clientPort() {
    return clientServer.port();
  }

  public NodeConfig config() {
    return config;
  }
}
