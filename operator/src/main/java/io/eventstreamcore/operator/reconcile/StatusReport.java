package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterStatus;
import io.eventstreamcore.operator.crd.EventClusterStatus.MemberStatus;
import io.eventstreamcore.operator.engine.ClusterView;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns what Kubernetes and the engines report into the EventCluster's status. Health comes from
 * Raft (the leader's view of each member), not from pod phases alone.
 */
public final class StatusReport {
  /** A member further behind the leader's log than this is not healthy. */
  static final long MAX_HEALTHY_LAG = 1_000;

  /** A member the leader has not heard from for this long is not healthy. */
  static final long MAX_HEALTHY_SILENCE_MS = 5_000;

  private StatusReport() {}

  /**
   * @param ec the cluster with {@code replicas} set to the pods it has now
   * @param desiredReplicas the members the user asked for
   * @param leaderView the leader's answer, when an engine that leads answered
   */
  public static EventClusterStatus of(
      EventCluster ec,
      int desiredReplicas,
      StatefulSet sts,
      List<Pod> pods,
      Optional<ClusterView> leaderView,
      Instant now) {
    EventClusterStatus previous =
        ec.getStatus() == null ? new EventClusterStatus() : ec.getStatus();
    EventClusterStatus s = new EventClusterStatus();
    s.observedGeneration = ec.getMetadata().getGeneration();
    int wanted = sts == null ? ec.getSpec().replicas : sts.getSpec().getReplicas();
    s.replicas = sts == null || sts.getStatus() == null ? 0 : nz(sts.getStatus().getReplicas());
    s.readyReplicas =
        sts == null || sts.getStatus() == null ? 0 : nz(sts.getStatus().getReadyReplicas());
    s.selector =
        Names.selector(ec).entrySet().stream()
            .sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(","));
    String ns = ec.getMetadata().getNamespace();
    String name = ec.getMetadata().getName();
    s.clientEndpoints =
        ec.getSpec().listeners.exposeHttp
            ? List.of(
                name + "." + ns + ".svc:" + ec.getSpec().listeners.clientPort,
                Names.httpScheme(ec)
                    + "://"
                    + name
                    + "."
                    + ns
                    + ".svc:"
                    + ec.getSpec().listeners.httpPort)
            : List.of(name + "." + ns + ".svc:" + ec.getSpec().listeners.clientPort);
    s.lastRecoveryAction = previous.lastRecoveryAction;
    s.lastFailover = previous.lastFailover;
    s.raftFormed = Boolean.TRUE.equals(previous.raftFormed) || leaderView.isPresent() ? true : null;
    int healthy = 0;
    if (leaderView.isPresent()) {
      ClusterView v = leaderView.get();
      s.leader = v.leader();
      s.term = v.term();
      s.commitIndex = v.commitIndex();
      for (ClusterView.Member m : v.members()) {
        MemberStatus ms = new MemberStatus();
        ms.pod = m.id();
        ms.nodeId = m.id();
        ms.role = m.role();
        ms.matchIndex = m.matchIndex();
        ms.lag = m.lag();
        ms.lastContactMs = m.lastContactMs();
        boolean caughtUp = m.id().equals(v.self()) || caughtUp(m.lag(), m.lastContactMs());
        ms.healthy = caughtUp && Pods.ready(pods, m.id());
        ms.unhealthySince = ms.healthy ? null : stalledSince(previous, ms, now);
        if (ms.healthy && !"LEARNER".equals(m.role())) {
          healthy++;
        }
        s.members.add(ms);
      }
      if (previous.leader != null && !previous.leader.equals(v.leader())) {
        EventClusterStatus.Failover f = new EventClusterStatus.Failover();
        f.time = now.toString();
        f.from = previous.leader;
        f.to = v.leader();
        s.lastFailover = f;
      }
    }
    long voters =
        leaderView
            .map(v -> v.members().stream().filter(m -> !"LEARNER".equals(m.role())).count())
            .orElse((long) desiredReplicas);
    int members = leaderView.map(v -> v.members().size()).orElse(wanted);
    long quorum = voters / 2 + 1;
    boolean available = leaderView.isPresent() && healthy >= quorum;
    boolean allHealthy =
        leaderView.isPresent() && s.members.stream().allMatch(m -> m.healthy) && members == wanted;
    boolean ready = available && allHealthy && s.readyReplicas == wanted;
    boolean rolling =
        sts != null
            && sts.getStatus() != null
            && (nz(sts.getStatus().getUpdatedReplicas()) < wanted
                || !Objects.equals(
                    sts.getStatus().getObservedGeneration(), sts.getMetadata().getGeneration()));
    List<Condition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            previous,
            "Available",
            available,
            available ? "QuorumPresent" : "NoQuorum",
            available
                ? healthy + " of " + wanted + " members healthy, leader " + s.leader
                : "no leader with a healthy quorum (" + healthy + " of " + quorum + " needed)",
            s.observedGeneration,
            now));
    conditions.add(
        condition(
            previous,
            "Ready",
            ready,
            ready ? "AllMembersCaughtUp" : "NotAllMembersReady",
            s.readyReplicas + " of " + wanted + " pods ready, " + healthy + " members healthy",
            s.observedGeneration,
            now));
    boolean scaling = voters != desiredReplicas || wanted != desiredReplicas;
    boolean progressing = sts == null || rolling || scaling || s.readyReplicas < wanted;
    conditions.add(
        condition(
            previous,
            "Progressing",
            progressing,
            sts == null
                ? "Creating"
                : scaling ? "Scaling" : rolling ? "RollingUpdate" : "Reconciled",
            sts == null
                ? "creating the engines"
                : scaling
                    ? voters + " voting members, " + desiredReplicas + " wanted"
                    : "StatefulSet " + (rolling ? "rolling" : "settled"),
            s.observedGeneration,
            now));
    boolean degraded = (sts != null && s.readyReplicas < wanted) || (available && !allHealthy);
    conditions.add(
        condition(
            previous,
            "Degraded",
            degraded,
            degraded ? "MembersUnhealthy" : "AllHealthy",
            unhealthy(s),
            s.observedGeneration,
            now));
    s.conditions = conditions;
    s.phase =
        available
            ? (ready ? "Running" : "Degraded")
            : previous.phase == null || "Creating".equals(previous.phase)
                ? "Creating"
                : "Unavailable";
    return s;
  }

  /** Close enough to the leader's log, and heard from recently enough, in the leader's view. */
  static boolean caughtUp(Long lag, Long lastContactMs) {
    return lag != null
        && lag <= MAX_HEALTHY_LAG
        && lastContactMs != null
        && lastContactMs <= MAX_HEALTHY_SILENCE_MS;
  }

  private static String unhealthy(EventClusterStatus s) {
    List<String> names = s.members.stream().filter(m -> !m.healthy).map(m -> m.pod).toList();
    return names.isEmpty() ? "no unhealthy member reported" : "unhealthy: " + names;
  }

  /** A condition whose transition time moves only when its status changes. */
  static Condition condition(
      EventClusterStatus previous,
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      Instant now) {
    String value = status ? "True" : "False";
    String since =
        previous.conditions.stream()
            .filter(c -> c.getType().equals(type) && c.getStatus().equals(value))
            .map(Condition::getLastTransitionTime)
            .findFirst()
            .orElse(now.toString());
    return new ConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  private static int nz(Integer i) {
    return i == null ? 0 : i;
  }

  /**
   * When an unhealthy member last made progress: its match index moving (log entries or a snapshot
   * reaching it) restarts the clock, so a member that is catching up, however slowly, is never
   * replaced for being behind; one that stopped moving keeps the time it stopped.
   */
  private static String stalledSince(EventClusterStatus previous, MemberStatus now, Instant at) {
    Optional<MemberStatus> before =
        previous.members.stream().filter(p -> now.pod.equals(p.pod)).findFirst();
    boolean progressed =
        before.isPresent()
            && before.get().matchIndex != null
            && now.matchIndex != null
            && now.matchIndex > before.get().matchIndex;
    if (before.isEmpty() || before.get().unhealthySince == null || progressed) {
      return at.toString();
    }
    return before.get().unhealthySince;
  }
}
