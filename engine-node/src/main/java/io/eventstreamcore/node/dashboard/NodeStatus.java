package io.eventstreamcore.node.dashboard;

import io.eventstreamcore.node.ingest.ProduceMetrics;
import io.eventstreamcore.node.pipeline.PressureController;
import io.eventstreamcore.node.processing.WindowedAggregates;
import io.eventstreamcore.node.server.SubscriptionLag;
import io.eventstreamcore.protocol.Priority;
import java.util.List;
import java.util.Map;

/**
 * Everything the dashboard shows about one node, read from the node itself. Members' match index,
 * lag and last contact are known only on the leader; aggregates only where they run (the leader).
 */
public record NodeStatus(
    String id,
    long at,
    String version,
    String role,
    String leader,
    long leaderSince,
    long term,
    long commitIndex,
    long appliedIndex,
    boolean ready,
    Memory memory,
    List<MemberLag> members,
    Pipeline pipeline,
    Dedup dedup,
    List<TopicSize> topics,
    List<SubscriptionLag> subscriptions,
    long deadLetters,
    List<Processor> processors,
    Map<String, WindowedAggregates.TopicAggregate> aggregates,
    List<String> recentAlerts,
    List<LeaderTimeline.LeaderChange> leaderChanges,
    TrafficSample traffic,
    List<TrafficSample> history) {

  /** RSS is -1 where /proc is not there to read it. */
  public record Memory(long rssBytes, long heapUsedBytes, long heapMaxBytes) {}

  public record MemberLag(
      String id, String role, String httpEndpoint, Long matchIndex, Long lag, Long lastContactMs) {}

  public record Pipeline(
      String state,
      List<PressureController.Reading> signals,
      Map<Priority, Integer> queueDepths,
      int queueCapacity,
      Map<Priority, ProduceMetrics.ClassCounts> classCounts,
      long retryAfterMs) {}

  /**
   * Entries and evictions count the buckets this member owns; hits and misses are since start. The
   * effective window is shorter than the configured one while the heap limit narrows it.
   */
  public record Dedup(
      boolean enabled,
      long windowMs,
      long effectiveWindowMs,
      long entries,
      long bytes,
      long evictedBeforeWindowEnd,
      long hits,
      long misses) {}

  public record TopicSize(String topic, long startOffset, long endOffset, long bytes) {}

  public record Processor(String name, boolean active, long lag) {}
}
