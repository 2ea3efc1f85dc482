package io.eventstreamcore.operator.reconcile;

import io.eventstreamcore.operator.children.ClientService;
import io.eventstreamcore.operator.children.EngineConfig;
import io.eventstreamcore.operator.children.EngineDisruptionBudget;
import io.eventstreamcore.operator.children.EngineNetworkPolicy;
import io.eventstreamcore.operator.children.EngineServiceAccount;
import io.eventstreamcore.operator.children.EngineStatefulSet;
import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.children.PeerService;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterStatus;
import io.eventstreamcore.operator.crd.SpecCheck;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One reconciliation of an EventCluster: read the Raft state from the engines, make the children
 * match the spec (sized for every wanted member and every member Raft still has), compute the
 * status, and take at most one Raft-safe action ({@link RaftSafeActions}).
 */
public final class ClusterReconciliation {
  private final KubernetesClient client;
  private final EngineAdmin admin;
  private final ChildApplier children;
  private final EventRecorder events;
  private final ClusterCredentials credentials;
  private final StorageChange storage;
  private final Clock clock;

  public ClusterReconciliation(KubernetesClient client, EngineAdmin admin, Clock clock) {
    this.client = client;
    this.admin = admin;
    this.events = new EventRecorder(client);
    this.children = new ChildApplier(client, events);
    this.credentials = new ClusterCredentials(client, events, clock);
    this.storage = new StorageChange(client);
    this.clock = clock;
  }

  /** The cluster with its new status (the spec is untouched), and when to look again. */
  public record Reconciled(EventCluster cluster, Duration nextLook) {}

  /** How often the Raft state is read when nothing is going on. */
  static final Duration STATUS_POLL = Duration.ofSeconds(10);

  /** How often while a restart is under way, so the next one follows promptly. */
  static final Duration ACTION_POLL = Duration.ofSeconds(2);

  public Reconciled reconcile(EventCluster ec) {
    List<String> problems = SpecCheck.problems(ec.getSpec());
    if (!problems.isEmpty()) {
      return new Reconciled(refuse(ec, "InvalidSpec", String.join("; ", problems)), STATUS_POLL);
    }
    try {
      return reconcileValid(ec);
    } catch (ChildApplier.ForeignObjectException e) {
      return new Reconciled(refuse(ec, "ForeignObject", e.getMessage()), STATUS_POLL);
    }
  }

  /** Each step a named method, in the order a reconciliation takes them. */
  private Reconciled reconcileValid(EventCluster ec) {
    Optional<ClusterCredentials.Material> secured = credentials.ensure(ec);
    EngineAdmin engines = secured.map(m -> admin.with(m.access())).orElse(admin);
    Observed seen = observe(ec, engines);
    EventCluster effective = sizedForEveryMember(ec, seen);
    StorageChange.Outcome volumes = applyChildren(ec, effective, seen, secured);
    Reported status = reportStatus(ec, effective, seen, volumes);
    boolean acted =
        new RaftSafeActions(client, engines, events)
            .act(ec, status.sts(), status.pods(), seen.leader(), status.report(), clock.instant());
    return nextLook(ec, effective, status, acted);
  }

  /** What exists before anything is changed: the StatefulSet, the Raft view, the founders. */
  private record Observed(StatefulSet existing, Optional<ClusterView> leader, int bootstrap) {}

  private Observed observe(EventCluster ec, EngineAdmin engines) {
    StatefulSet existing =
        client
            .apps()
            .statefulSets()
            .inNamespace(ec.getMetadata().getNamespace())
            .withName(Names.cluster(ec))
            .get();
    int running = existing == null ? 0 : existing.getSpec().getReplicas();
    return new Observed(
        existing,
        leaderView(ec, engines, Math.max(running, ec.getSpec().replicas)),
        bootstrapReplicas(ec, existing));
  }

  /**
   * The spec with room for every wanted member and every member Raft still has: new pods start
   * before they are added as learners, and a departing member's pod goes only after Raft removed
   * it. Without the leader's view, the members last seen stand in for Raft's: never the
   * StatefulSet's own replicas, which a hand edit may have changed (the EventCluster is the truth,
   * and a peer list shrunk to match a hand-scaled StatefulSet would split the group).
   */
  private static EventCluster sizedForEveryMember(EventCluster ec, Observed seen) {
    int lastKnownMembers = ec.getStatus() == null ? 0 : ec.getStatus().members.size();
    int size =
        seen.leader()
            .map(v -> Math.max(ec.getSpec().replicas, v.members().size()))
            .orElse(Math.max(ec.getSpec().replicas, lastKnownMembers));
    EventCluster effective = Serialization.clone(ec);
    effective.getSpec().replicas = size;
    return effective;
  }

  private StorageChange.Outcome applyChildren(
      EventCluster ec,
      EventCluster effective,
      Observed seen,
      Optional<ClusterCredentials.Material> secured) {
    ConfigMap config = EngineConfig.desired(effective, seen.bootstrap());
    // A renewed certificate is read by the engines' protocol and Raft listeners at start only:
    // its serial in the hash rolls the pods, one at a time, through the Raft-safe restart.
    ConfigMapBuilder restartRelevant =
        new ConfigMapBuilder()
            .addToData(EngineConfig.PROPERTIES, EngineConfig.restartRelevant(config));
    secured.ifPresent(m -> restartRelevant.addToData("certificate-serial", m.certificateSerial()));
    String configHash = ChildApplier.hash(restartRelevant.build());
    children.apply(ec, EngineServiceAccount.desired(effective));
    children.apply(ec, config);
    children.apply(ec, PeerService.desired(effective));
    children.apply(ec, ClientService.desired(effective));
    children.apply(ec, EngineNetworkPolicy.desired(effective));
    StorageChange.Outcome volumes =
        storage.reconcile(ec, seen.existing(), EngineStatefulSet.desired(effective, configHash));
    children.apply(ec, volumes.toApply());
    applyDisruptionBudget(ec, effective);
    return volumes;
  }

  /** A budget where the spec asks for one; an old one deleted only where it exists. */
  private void applyDisruptionBudget(EventCluster ec, EventCluster effective) {
    Optional<PodDisruptionBudget> pdb = EngineDisruptionBudget.desired(effective);
    if (pdb.isPresent()) {
      children.apply(ec, pdb.get());
      return;
    }
    var existing =
        client
            .policy()
            .v1()
            .podDisruptionBudget()
            .inNamespace(ec.getMetadata().getNamespace())
            .withName(Names.cluster(ec));
    if (existing.get() != null) {
      existing.delete();
    }
  }

  /** The status, with the StatefulSet and pods it was computed from. */
  private record Reported(StatefulSet sts, List<Pod> pods, EventClusterStatus report) {}

  private Reported reportStatus(
      EventCluster ec, EventCluster effective, Observed seen, StorageChange.Outcome volumes) {
    String ns = ec.getMetadata().getNamespace();
    StatefulSet sts =
        client.apps().statefulSets().inNamespace(ns).withName(Names.cluster(ec)).get();
    List<Pod> pods = client.pods().inNamespace(ns).withLabels(Names.selector(ec)).list().getItems();
    EventClusterStatus status =
        StatusReport.of(
            effective, ec.getSpec().replicas, sts, pods, seen.leader(), clock.instant());
    status.bootstrapReplicas = seen.bootstrap();
    reportStorage(ec, status, volumes);
    return new Reported(sts, pods, status);
  }

  /** Soon while something is under way, otherwise at the status poll. */
  private Reconciled nextLook(
      EventCluster ec, EventCluster effective, Reported status, boolean acted) {
    boolean pending =
        acted
            || rollPending(status.sts(), status.pods())
            || effective.getSpec().replicas != ec.getSpec().replicas;
    reportChanges(ec, status.report());
    ec.setStatus(status.report());
    return new Reconciled(ec, pending ? ACTION_POLL : STATUS_POLL);
  }

  /** The founders: recorded at creation; a cluster from before the record keeps its pod count. */
  private static int bootstrapReplicas(EventCluster ec, StatefulSet existing) {
    if (ec.getStatus() != null && ec.getStatus().bootstrapReplicas != null) {
      return ec.getStatus().bootstrapReplicas;
    }
    return existing == null ? ec.getSpec().replicas : existing.getSpec().getReplicas();
  }

  private static boolean rollPending(StatefulSet sts, List<Pod> pods) {
    String revision =
        sts == null || sts.getStatus() == null ? null : sts.getStatus().getUpdateRevision();
    return revision != null && pods.stream().anyMatch(p -> !revision.equals(Pods.revision(p)));
  }

  /** Leaves the children as they are and says why in the status and a Warning event. */
  private EventCluster refuse(EventCluster ec, String reason, String message) {
    EventClusterStatus status = ec.getStatus() == null ? new EventClusterStatus() : ec.getStatus();
    boolean alreadyReported =
        status.conditions.stream().anyMatch(c -> message.equals(c.getMessage()));
    if (!alreadyReported) {
      events.warning(ec, reason, message);
    }
    List<Condition> conditions = new ArrayList<>(status.conditions);
    conditions.removeIf(c -> c.getType().equals("Progressing"));
    conditions.add(
        StatusReport.condition(
            status,
            "Progressing",
            false,
            reason,
            message,
            ec.getMetadata().getGeneration(),
            clock.instant()));
    status.conditions = conditions;
    status.observedGeneration = ec.getMetadata().getGeneration();
    ec.setStatus(status);
    return ec;
  }

  /** The view of the engine that leads, asked of each pod in turn. */
  private static Optional<ClusterView> leaderView(EventCluster ec, EngineAdmin engines, int pods) {
    for (int i = 0; i < pods; i++) {
      Optional<ClusterView> v = engines.cluster(Names.podHttpUrl(ec, i));
      if (v.isPresent() && v.get().fromLeader()) {
        return v;
      }
    }
    return Optional.empty();
  }

  /** The Storage condition; a Warning event when the volumes newly cannot follow the spec. */
  private void reportStorage(
      EventCluster ec, EventClusterStatus status, StorageChange.Outcome volumes) {
    EventClusterStatus before = ec.getStatus() == null ? new EventClusterStatus() : ec.getStatus();
    boolean newlyRefused =
        !volumes.inSync()
            && !volumes.reason().equals("Expanding")
            && before.conditions.stream()
                .noneMatch(
                    c ->
                        c.getType().equals(StorageChange.CONDITION)
                            && volumes.reason().equals(c.getReason()));
    if (newlyRefused) {
      events.warning(ec, volumes.reason(), volumes.message());
    }
    List<Condition> conditions = new ArrayList<>(status.conditions);
    conditions.removeIf(c -> c.getType().equals(StorageChange.CONDITION));
    conditions.add(
        StatusReport.condition(
            before,
            StorageChange.CONDITION,
            volumes.inSync(),
            volumes.reason(),
            volumes.message(),
            ec.getMetadata().getGeneration(),
            clock.instant()));
    status.conditions = conditions;
  }

  private void reportChanges(EventCluster ec, EventClusterStatus now) {
    EventClusterStatus before = ec.getStatus();
    if (before != null
        && now.lastFailover != null
        && (before.lastFailover == null
            || !now.lastFailover.time.equals(before.lastFailover.time))) {
      events.warning(
          ec, "LeaderChanged", "leader " + now.lastFailover.from + " -> " + now.lastFailover.to);
    }
    if (before != null && before.phase != null && !before.phase.equals(now.phase)) {
      events.normal(ec, "Phase" + now.phase, "phase " + before.phase + " -> " + now.phase);
    }
  }
}
