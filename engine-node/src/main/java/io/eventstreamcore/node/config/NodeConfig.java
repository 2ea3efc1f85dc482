package io.eventstreamcore.node.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of an engine node; docs/operations.md lists them with their defaults.
 *
 * <p>Why it is longer than our ~400 lines: it is declarations only, one group per {@code esc.*}
 * prefix, each setting with its default and the reason for it. Kept in one file, the defaults can
 * be read and compared with operations.md's table in one place.
 */
@ConfigMapping(prefix = "esc")
public interface NodeConfig {

  Node node();

  Raft raft();

  Batch batch();

  Store store();

  Health health();

  Dedup dedup();

  Pipeline pipeline();

  Processors processors();

  Server server();

  Ui ui();

  Tls tls();

  Auth auth();

  /**
   * TLS on every channel that leaves the node: the binary protocol, HTTP, and Raft (mutual: a
   * member presents its certificate and accepts only peers signed by the same CA). On when {@link
   * #certFile()} is set; then all three files are needed. Files are PEM; docs/operations.md,
   * Security.
   */
  interface Tls {
    Optional<String> certFile();

    Optional<String> keyFile();

    /** The cluster's CA: whom members trust, and what clients verify nodes against. */
    Optional<String> caFile();

    default boolean enabled() {
      return certFile().isPresent();
    }
  }

  /**
   * Who may do what. On when {@link #usersFile()} is set: every client then authenticates (HELLO
   * mechanism {@code token}, HTTP Basic) and is held to its rights.
   */
  interface Auth {
    /** Lines {@code name secret-sha256 right...}; re-read when it changes. */
    Optional<String> usersFile();

    /** {@code user:secret} of a user with the {@code member} right: how this node calls peers. */
    Optional<String> memberCredentialFile();

    default boolean enabled() {
      return usersFile().isPresent();
    }
  }

  /** The dashboard served under /ui. */
  interface Ui {
    /**
     * Whether the page offers leadership transfer and member removal. Off by default: they change
     * the Raft group, and a page left open is an easy place to click them by mistake.
     */
    @WithDefault("false")
    boolean membershipActions();

    /** How long the page waits for another node's status before showing it as unreachable. */
    @WithDefault("800ms")
    Duration peerTimeout();
  }

  /**
   * What one client of the binary protocol may hold of a node: connections, bytes and time. Every
   * limit keeps a hostile or broken client from taking memory or threads that others need.
   */
  interface Server {
    /** Connections beyond this are answered OVERLOADED and closed. */
    @WithDefault("1000")
    int maxConnections();

    /**
     * Bytes of requests being received, over all connections; a connection whose next request does
     * not fit waits, unread, until others' are in. At least {@code esc.node.max-frame-bytes}.
     */
    @WithDefault("67108864")
    long maxReceivingBytes();

    /**
     * Bytes of replies one connection may be owed or have queued unread; past it the node reads no
     * further requests from it until the client has read.
     */
    @WithDefault("16777216")
    long maxReplyBytes();

    /** A new connection must complete its HELLO within this. */
    @WithDefault("10s")
    Duration handshakeTimeout();

    /**
     * A request must arrive whole within this once it has started, and a client must read its
     * replies within this once the node has stopped reading from it for them.
     */
    @WithDefault("30s")
    Duration requestTimeout();

    /** A connection that sends nothing, is owed nothing and has no subscription is closed. */
    @WithDefault("10m")
    Duration idleTimeout();
  }

  /** In-engine processors on the leader; docs/operations.md describes each. */
  interface Processors {
    /** How often processor positions and state are checkpointed through the log. */
    @WithDefault("1s")
    Duration checkpointInterval();

    /** Calls per event before it goes to the dead-letter queue. */
    @WithDefault("5")
    int maxAttempts();

    /** Wait after the first failure; it doubles with every further one. */
    @WithDefault("100ms")
    Duration firstBackoff();

    Aggregates aggregates();

    Alerts alerts();

    interface Aggregates {
      /** Topics to count: names, or prefixes ending in {@code *}; none turns the processor off. */
      Optional<List<String>> topics();

      @WithDefault("10s")
      Duration window();

      /** Windows kept per topic. */
      @WithDefault("6")
      int retain();
    }

    interface Alerts {
      /** Rules {@code name:kind:topic:threshold}; none turns the processor off. */
      Optional<List<String>> rules();

      @WithDefault("10s")
      Duration window();
    }
  }

  /** Priority queues and load shedding; docs/operations.md explains the states. */
  interface Pipeline {
    /** Events each priority class may queue for a batch; beyond it that class gets OVERLOADED. */
    @WithDefault("16384")
    int queueCapacity();

    /** Batcher share per round for CRITICAL, HIGH, MEDIUM, LOW, BATCH while they all wait. */
    @WithDefault("16,8,4,2,1")
    List<Integer> weights();

    @WithDefault("100ms")
    Duration checkInterval();

    /** Shortest time in a state before the node steps down from it. */
    @WithDefault("2s")
    Duration minDwell();

    /**
     * Batches in flight while the node sheds load (DEGRADED or worse) instead of {@code
     * esc.batch.max-in-flight}: fewer batches in the FIFO part of the path let CRITICAL overtake
     * sooner, for some peak throughput.
     */
    @WithDefault("4")
    int pressuredMaxInFlight();

    /** The retry-after hint sent with OVERLOADED. */
    @WithDefault("500ms")
    Duration retryAfter();

    /**
     * A file of {@code topic = PRIORITY [dead-letter]} lines (see {@code TopicPolicies}), reloaded
     * when it changes; without it every event keeps its own priority and shed events are refused.
     */
    Optional<String> topicPolicyFile();

    /** Fullest class queue over its capacity, entering ELEVATED, DEGRADED, CRITICAL, EMERGENCY. */
    @WithDefault("0.25,0.5,0.75,0.9")
    List<Double> queueFillUp();

    /** Below these a state is left again (one per state, as above). */
    @WithDefault("0.1,0.3,0.5,0.7")
    List<Double> queueFillDown();

    /**
     * Arrival to commit: the larger of the slowest batch committed in the last check interval (from
     * its oldest event's arrival) and the longest wait of an event still queued.
     */
    @WithDefault("1000,2000,5000,10000")
    List<Double> produceLatencyMsUp();

    @WithDefault("500,1000,2500,5000")
    List<Double> produceLatencyMsDown();

    /** Entries the quorum's slowest needed follower is behind (leader only). */
    @WithDefault("5000,20000,50000,100000")
    List<Double> replicationLagUp();

    @WithDefault("1000,10000,30000,70000")
    List<Double> replicationLagDown();

    /** Old-generation heap in use over the maximum heap. */
    @WithDefault("0.8,0.88,0.94,0.97")
    List<Double> heapUp();

    @WithDefault("0.7,0.8,0.88,0.92")
    List<Double> heapDown();
  }

  interface Dedup {
    /** Off: every event is stored, retries included (the node runs no Hazelcast member). */
    @WithDefault("true")
    boolean enabled();

    /** How long an event's id is remembered after it was stored. */
    @WithDefault("5m")
    Duration window();

    /** Hazelcast member port; defaults to this node's Raft port + 100. */
    Optional<Integer> port();

    /** Hazelcast members {@code host:port}; defaults to every peer's host and Raft port + 100. */
    Optional<List<String>> members();

    /**
     * In Kubernetes: the headless Service's DNS name (e.g. {@code esc-peers.ns.svc.cluster.local});
     * members are then found by DNS lookup instead of {@code members}.
     */
    Optional<String> kubernetesServiceDns();

    /**
     * Hazelcast partitions of the table; every member must use the same number. Each batch costs
     * one operation per partition its ids fall in, so fewer is faster; more spreads the table more
     * evenly over many nodes. The table has 64 buckets, so more than 64 partitions leave some
     * empty.
     */
    @WithDefault("7")
    int partitions();

    /**
     * Share of the heap the table may use on a node that holds all of it (a lone node, or each of
     * two that survive a third); a node of three uses about two thirds of this. Beyond it the
     * oldest ids are dropped before their window ends, rather than the node running out of memory.
     */
    @WithDefault("20")
    int maxHeapPercent();

    /**
     * Longest a batch waits for the table's answer about ids this node's filters may have seen
     * (retries, and now and then a new id by chance). Past it those ids are refused, retryable, and
     * the batch's other events go on: a cut-off or paused member holds the calls to its partitions
     * until Hazelcast drops it (3 s).
     */
    @WithDefault("250ms")
    Duration tableTimeout();
  }

  interface Health {
    /** Readiness requires the applied index to be at most this far behind the commit index. */
    @WithDefault("1000")
    long maxApplyLag();
  }

  interface Node {
    /** This node's id; must be one of the ids in {@code esc.raft.peers}. */
    @WithDefault("n1")
    String id();

    @WithDefault("data/n1")
    String dataDir();

    /** Address the binary protocol listens on. */
    @WithDefault("0.0.0.0")
    String clientHost();

    @WithDefault("7070")
    int clientPort();

    /**
     * The address the Raft and Hazelcast ports bind to: {@link #clientHost()} unless that is the
     * wildcard, in which case they listen on every interface as well.
     */
    default Optional<String> bindAddress() {
      String host = clientHost();
      return host.equals("0.0.0.0") || host.equals("::") ? Optional.empty() : Optional.of(host);
    }

    @WithDefault("8388608")
    int maxFrameBytes();

    @WithDefault("1048576")
    int maxPayloadBytes();

    /**
     * Where a node whose Raft storage fails its checksums says so before it exits: the Kubernetes
     * termination message. Written only if the file exists.
     */
    @WithDefault("/dev/termination-log")
    String terminationLog();

    /** Longest wait for a batch's commit; the producer then gets TIMEOUT (outcome unknown). */
    @WithDefault("10s")
    Duration produceTimeout();
  }

  interface Raft {
    /** Entries {@code id=host:raft-port[:client-port[:http-port]]}; see docs/operations.md. */
    @WithDefault("n1=127.0.0.1:9870")
    List<String> peers();

    /**
     * True for a node that joins an existing group: it starts outside any configuration and waits
     * for the leader to add it (POST /api/v1/cluster/members). Its peers list names the members it
     * can reach and itself.
     */
    @WithDefault("false")
    boolean join();

    /**
     * The ids that form the group when it is first created; unset means every peer. A node not
     * among them starts as {@code join} does and waits to be added. This lets one peer list (e.g.
     * one ConfigMap for a whole StatefulSet) serve the founding members and later ones.
     */
    Optional<List<String>> bootstrapMembers();

    /**
     * True once the group has formed (the operator sets it after it first saw a leader). A member
     * that then finds its Raft storage empty never founds the group again: it joins if the group
     * runs without it, and otherwise refuses to start as storage lost, for the operator to remove
     * and re-add it.
     */
    @WithDefault("false")
    boolean formed();

    /** Nodes only form a group with nodes of the same cluster name. */
    @WithDefault("eventstreamcore")
    String clusterName();

    @WithDefault("150ms")
    Duration electionTimeoutMin();

    @WithDefault("300ms")
    Duration electionTimeoutMax();

    /** Log entries between automatic snapshots (which let Ratis purge its log). */
    @WithDefault("20000")
    long snapshotThreshold();

    /**
     * Bytes of applied batches between snapshots, whichever of this and {@link #snapshotThreshold}
     * comes first: it bounds what a restart replays.
     */
    @WithDefault("64MB")
    String snapshotSize();

    @WithDefault("32MB")
    String logSegmentSize();

    /**
     * When true, followers and the leader acknowledge log entries before fsync. Faster, but a power
     * loss on a quorum can lose acknowledged events. Off by default.
     */
    @WithDefault("false")
    boolean unsafeFlush();

    /**
     * Ratis's {@code raft.server.log.append-entries.compose.enabled}: true makes a follower start
     * each append only once the one before it is flushed, and hop through the JDK's common pool to
     * do so (a new thread per append on two CPUs). Off by default; see ADR 0028.
     */
    @WithDefault("false")
    boolean followerAppendChain();

    /**
     * Ratis's {@code raft.server.log.metadata.enabled}: true appends an entry recording the new
     * commit index after each commit, replicated and fsynced like a batch, so that a restarted node
     * applies its log up to it while it starts, before it hears a leader. False saves that entry
     * (W1 +22 % in the peer harness), but a restarted node then replays only once a leader tells it
     * how far, and a lost quorum recovered later in the fault suite; see ADR 0034.
     */
    @WithDefault("true")
    boolean logMetadata();

    /**
     * Ratis's waits between attempts to reach a follower that keeps failing ({@code
     * raft.server.log.appender.retry.policy}): pairs of wait and count.
     */
    @WithDefault("1ms,10,250ms,1000000")
    String appenderRetryPolicy();

    /**
     * Lead once, when the node first follows a caught-up log, in a throwaway Raft group inside the
     * process, so that the node's first real leadership does not pay for loading Ratis's leader
     * side (see {@code LeaderPathWarmup}).
     */
    @WithDefault("true")
    boolean leaderWarmup();

    /** Log segments Ratis keeps in memory ({@code raft.server.log.segment.cache.num.max}). */
    @WithDefault("2")
    int logCacheSegments();

    /** Bytes of log Ratis keeps in memory ({@code raft.server.log.segment.cache.size.max}). */
    @WithDefault("32MB")
    String logCacheSize();

    /** Bytes of log writes Ratis queues ({@code raft.server.log.queue.byte-limit}). */
    @WithDefault("16MB")
    String logQueueSize();

    /** Bytes of pending client writes Ratis holds ({@code raft.server.write.byte-limit}). */
    @WithDefault("16MB")
    String writeQueueSize();

    /**
     * How long a follower that answers the leader but does not advance, while behind, may stay so
     * before the leader hands leadership away to resync it (RATIS-2605).
     */
    @WithDefault("10s")
    Duration stuckFollowerAfter();
  }

  interface Batch {
    @WithDefault("64")
    int maxEvents();

    @WithDefault("1ms")
    Duration linger();

    /**
     * Batches on their way through dedup and Raft at once. Beyond it events wait in their priority
     * queue, where urgent ones overtake; without a limit every class would wait in Raft alike.
     */
    @WithDefault("32")
    int maxInFlight();

    /**
     * Raft log entries in Ratis at once. Batches admitted while this many are out wait and go
     * together in the next entry, so under load Ratis's cost per entry is paid once per many
     * batches; under light load each batch is an entry at once. One is group commit, and the
     * fastest where CPU, not the round trip, is the limit (docs/decisions/0024).
     */
    @WithDefault("1")
    int entriesInFlight();
  }

  interface Store {
    @WithDefault("67108864")
    int segmentBytes();

    @WithDefault("4096")
    int indexIntervalBytes();

    /** Age after which whole segments are deleted; 0 or negative keeps them forever. */
    @WithDefault("7d")
    Duration retention();

    /** Per topic; negative means no size limit. */
    @WithDefault("-1")
    long retentionBytes();

    @WithDefault("30s")
    Duration retentionCheckInterval();

    /**
     * Free space the data volume keeps: below it the node refuses new events (STORAGE_FULL) and is
     * not ready, before a Raft log or store write fails half-way. It takes events again a quarter
     * above it.
     */
    @WithDefault("67108864")
    long minFreeBytes();
  }
}
