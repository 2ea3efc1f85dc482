package io.eventstreamcore.node.dedup;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.eventstreamcore.node.replication.Admission;
import io.eventstreamcore.node.replication.ApplyListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * This node's member of the embedded Hazelcast cluster that holds the dedup table (event key →
 * CLAIMED or STORED), sharded across the engine nodes with one synchronous backup, entries expiring
 * after the dedup window. The Raft log stays the source of truth; the table only answers "was this
 * id stored already, and where".
 */
public final class DedupTable implements Closeable {
  static final String MAP = "esc-dedup";

  private final HazelcastInstance member;
  private final IMap<String, long[]> table;
  private final DedupMarker marker;
  private final Deduplicator deduplicator;

  public record Settings(
      String clusterName,
      String host,
      int port,
      List<String> members,
      Duration window,
      long staleClaimMillis) {}

  public DedupTable(Settings s, LongSupplier raftTerm, MeterRegistry meters) {
    this.member = Hazelcast.newHazelcastInstance(config(s));
    this.table = member.getMap(MAP);
    DedupMetrics metrics = new DedupMetrics(meters);
    this.marker = new DedupMarker(table, metrics);
    this.deduplicator = new Deduplicator(table, marker, raftTerm, s.staleClaimMillis(), metrics);
    Gauge.builder("esc.dedup.table.entries", table, t -> t.getLocalMapStats().getOwnedEntryCount())
        .description("Dedup entries this member owns (backups not counted)")
        .register(meters);
    Gauge.builder(
            "esc.dedup.table.bytes", table, t -> t.getLocalMapStats().getOwnedEntryMemoryCost())
        .description("Memory of the dedup entries this member owns")
        .baseUnit("bytes")
        .register(meters);
  }

  private static Config config(Settings s) {
    Config c = new Config();
    c.setClusterName(s.clusterName());
    c.setClassLoader(Thread.currentThread().getContextClassLoader());
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
    NetworkConfig net = c.getNetworkConfig();
    net.setPort(s.port()).setPortAutoIncrement(false).setPublicAddress(s.host() + ":" + s.port());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(s.members());
    c.addMapConfig(
        new MapConfig(MAP)
            .setBackupCount(1)
            .setAsyncBackupCount(0)
            .setTimeToLiveSeconds((int) Math.max(1, s.window().toSeconds())));
    return c;
  }

  public Admission admission() {
    return deduplicator;
  }

  public ApplyListener recorder() {
    return marker;
  }

  /** Member state for the health details: running, and how many members it sees. */
  public String memberState() {
    return member.getLifecycleService().isRunning()
        ? "running, " + member.getCluster().getMembers().size() + " members"
        : "stopped";
  }

  @Override
  public void close() {
    member.shutdown();
  }
}
