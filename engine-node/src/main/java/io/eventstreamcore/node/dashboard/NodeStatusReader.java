package io.eventstreamcore.node.dashboard;

import io.eventstreamcore.node.Engine;
import io.eventstreamcore.node.health.RaftReadiness;
import io.eventstreamcore.node.processing.AlertRules;
import io.eventstreamcore.node.processing.WindowedAggregates;
import io.eventstreamcore.node.replication.Member;
import io.eventstreamcore.node.replication.RaftNode;
import io.eventstreamcore.node.storage.EventStore;
import io.eventstreamcore.node.storage.ReadChunk;
import io.eventstreamcore.protocol.Record;
import io.eventstreamcore.protocol.Topics;
import io.eventstreamcore.protocol.WireReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheckResponse;

/** Reads one {@link NodeStatus} off the running engine; cheap enough to do once a second. */
final class NodeStatusReader {
  private static final int RECENT_ALERTS = 10;
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private final Engine engine;
  private final RaftReadiness readiness;
  private final MeterRegistry meters;
  private final String version;

  NodeStatusReader(Engine engine, RaftReadiness readiness, MeterRegistry meters, String version) {
    this.engine = engine;
    this.readiness = readiness;
    this.meters = meters;
    this.version = version;
  }

  NodeStatus read(TrafficHistory traffic, LeaderTimeline timeline, boolean withHistory) {
    RaftNode raft = engine.raft();
    boolean leader = raft.isLeader();
    return new NodeStatus(
        raft.selfId(),
        System.currentTimeMillis(),
        version,
        raft.role().name(),
        raft.leaderId(),
        timeline.leaderSince(),
        raft.term(),
        raft.commitIndex(),
        raft.appliedIndex(),
        readiness.call().getStatus() == HealthCheckResponse.Status.UP,
        memory(),
        raft.members().stream().map(NodeStatusReader::memberLag).toList(),
        pipeline(),
        dedup(),
        topics(engine.store()),
        engine.clientServer().subscriptionLags(),
        deadLetters(),
        engine.processors().hosts().stream()
            .map(h -> new NodeStatus.Processor(h.processor().name(), h.active(), h.lag()))
            .toList(),
        leader ? aggregates() : null,
        recentAlerts(engine.store()),
        timeline.all(),
        traffic.latest(),
        withHistory ? traffic.all() : null);
  }

  private static NodeStatus.MemberLag memberLag(Member m) {
    return new NodeStatus.MemberLag(
        m.peer().id(),
        m.role().name(),
        m.peer().httpEndpoint(),
        m.matchIndex(),
        m.lag(),
        m.lastContactMs());
  }

  private static NodeStatus.Memory memory() {
    Runtime r = Runtime.getRuntime();
    return new NodeStatus.Memory(rssBytes(), r.totalMemory() - r.freeMemory(), r.maxMemory());
  }

  private static long rssBytes() {
    try {
      for (String line : Files.readAllLines(PROC_STATUS, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux, or /proc not mounted: the page shows RSS as unknown.
    }
    return -1;
  }

  private NodeStatus.Pipeline pipeline() {
    return new NodeStatus.Pipeline(
        engine.pressure().state().name(),
        engine.pressure().readings(),
        engine.queues().depths(),
        engine.config().pipeline().queueCapacity(),
        engine.produceMetrics().countsByClass(),
        engine.config().pipeline().retryAfter().toMillis());
  }

  private NodeStatus.Dedup dedup() {
    boolean on = engine.dedup() != null;
    return new NodeStatus.Dedup(
        on,
        engine.config().dedup().window().toMillis(),
        on
            ? engine.dedup().keptWindow().effectiveMillis()
            : engine.config().dedup().window().toMillis(),
        (long) gauge("esc.dedup.table.entries"),
        (long) gauge("esc.dedup.table.bytes"),
        (long) gauge("esc.dedup.table.evictions"),
        count("esc.dedup.events", "hit"),
        count("esc.dedup.events", "miss"));
  }

  private double gauge(String name) {
    Gauge g = meters.find(name).gauge();
    return g == null ? 0 : g.value();
  }

  private long count(String name, String outcome) {
    Counter c = meters.find(name).tag("outcome", outcome).counter();
    return c == null ? 0 : (long) c.count();
  }

  private static List<NodeStatus.TopicSize> topics(EventStore store) {
    List<NodeStatus.TopicSize> out = new ArrayList<>();
    store
        .endOffsets()
        .forEach(
            (t, end) ->
                out.add(
                    new NodeStatus.TopicSize(t, store.startOffset(t), end, store.sizeBytes(t))));
    return out;
  }

  private long deadLetters() {
    long end = engine.store().endOffset(Topics.DEAD_LETTER);
    return Math.max(
        0,
        end
            - Math.max(
                engine.deadLetters().purgedBefore(),
                engine.store().startOffset(Topics.DEAD_LETTER)));
  }

  private Map<String, WindowedAggregates.TopicAggregate> aggregates() {
    return engine.processors().aggregatesRunning()
        ? engine.processors().aggregates().snapshot()
        : null;
  }

  /** The last alerts in {@code _alerts}, newest first, as the JSON each one carries. */
  private static List<String> recentAlerts(EventStore store) {
    long end = store.endOffset(AlertRules.TOPIC);
    long from = Math.max(store.startOffset(AlertRules.TOPIC), end - RECENT_ALERTS);
    if (end <= from) {
      return List.of();
    }
    ReadChunk chunk = store.read(AlertRules.TOPIC, from, RECENT_ALERTS, 1 << 20);
    List<String> alerts = new ArrayList<>();
    for (Record r : Record.readAll(new WireReader(chunk.records()), chunk.count())) {
      alerts.add(0, new String(r.event().payload(), StandardCharsets.UTF_8));
    }
    return alerts;
  }
}
