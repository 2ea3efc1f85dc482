package io.eventstreamcore.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.operator.Clusters;
import io.eventstreamcore.operator.children.EngineConfig;
import io.eventstreamcore.operator.children.Names;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterStatus;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reconciliation against a mock API server (CRUD mode) and engines faked at their admin API. */
@EnableKubernetesMockClient(crud = true)
class ClusterReconciliationTest {
  static KubernetesClient client;

  private final Map<String, ClusterView> engines = new HashMap<>();
  private final List<String> transfers = new ArrayList<>();
  private final List<String> membership = new ArrayList<>();
  private final EngineAdmin admin =
      new EngineAdmin() {
        @Override
        public Optional<ClusterView> cluster(String httpUrl) {
          return Optional.ofNullable(engines.get(httpUrl));
        }

        @Override
        public boolean transferLeadership(String leaderHttpUrl, String toNodeId) {
          transfers.add(leaderHttpUrl + " -> " + toNodeId);
          return true;
        }

        @Override
        public boolean addLearner(String leaderHttpUrl, String peer) {
          membership.add("add " + peer);
          return true;
        }

        @Override
        public boolean promote(String leaderHttpUrl, String nodeId) {
          membership.add("promote " + nodeId);
          return true;
        }

        @Override
        public boolean remove(String leaderHttpUrl, String nodeId) {
          membership.add("remove " + nodeId);
          return true;
        }
      };
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:00Z"));
  private ClusterReconciliation reconciliation;
  private EventCluster ec;

  @BeforeEach
  void setUp() {
    Clusters.installCrd(client);
    reconciliation = new ClusterReconciliation(client, admin, clock);
    ec = client.resource(Clusters.named("orders-" + System.nanoTime(), "prod")).create();
  }

  private String name() {
    return ec.getMetadata().getName();
  }

  private StatefulSet sts() {
    return client.apps().statefulSets().inNamespace("prod").withName(name()).get();
  }

  private List<String> eventReasons() {
    return client.v1().events().inNamespace("prod").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(name()))
        .map(Event::getReason)
        .toList();
  }

  private static Condition condition(EventClusterStatus s, String type) {
    return s.conditions.stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  /** Makes the engine {@code leader} answer as leader; the others are {@code lag} behind. */
  private void leaderIs(String leader, long lag) {
    leaderIs(leader, Map.of(), lag);
  }

  /** As above, with some members' lag given by name. */
  private void leaderIs(String leader, Map<String, Long> lags, long lag) {
    List<ClusterView.Member> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = pod(i);
      long l = id.equals(leader) ? 0L : lags.getOrDefault(id, lag);
      members.add(
          new ClusterView.Member(
              id, id.equals(leader) ? "LEADER" : "FOLLOWER", "", 100L - l, l, 10L));
    }
    engines.clear();
    engines.put(
        "https://" + leader + "." + name() + "-peers.prod.svc:8080",
        new ClusterView(leader, "LEADER", leader, 4, 100, members));
  }

  /** The leader's view of exactly these members (ordinal → role), all caught up. */
  private void raftHas(int leader, Map<Integer, String> roles) {
    List<ClusterView.Member> members = new ArrayList<>();
    roles.forEach(
        (i, role) -> members.add(new ClusterView.Member(pod(i), role, "", 100L, 0L, 10L)));
    engines.clear();
    engines.put(
        "https://" + pod(leader) + "." + name() + "-peers.prod.svc:8080",
        new ClusterView(pod(leader), "LEADER", pod(leader), 4, 100, members));
  }

  private String pod(int ordinal) {
    return name() + "-" + ordinal;
  }

  /** What the StatefulSet controller and kubelet would do: a ready pod of that revision. */
  private void podRunning(int ordinal, String revision) {
    client
        .pods()
        .inNamespace("prod")
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(pod(ordinal))
                .withNamespace("prod")
                .withLabels(Names.selector(ec))
                .addToLabels("controller-revision-hash", revision)
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .createOr(existing -> existing.update());
  }

  private void allPodsRunning(String revision) {
    for (int i = 0; i < 3; i++) {
      podRunning(i, revision);
    }
  }

  private List<String> podNames() {
    return client
        .pods()
        .inNamespace("prod")
        .withLabels(Names.selector(ec))
        .list()
        .getItems()
        .stream()
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  private void statefulSetWantsRevision(String revision) {
    client
        .apps()
        .statefulSets()
        .inNamespace("prod")
        .withName(name())
        .editStatus(
            s -> {
              s.setStatus(
                  new StatefulSetStatusBuilder()
                      .withReplicas(3)
                      .withReadyReplicas(3)
                      .withUpdateRevision(revision)
                      .build());
              return s;
            });
  }

  @Test
  void createsEveryChildOwnedByTheClusterAndRecordsEachAction() {
    reconciliation.reconcile(ec);
    assertThat(sts()).isNotNull();
    assertThat(sts().getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getName()).isEqualTo(name()));
    assertThat(client.services().inNamespace("prod").withName(name()).get()).isNotNull();
    assertThat(client.services().inNamespace("prod").withName(name() + "-peers").get()).isNotNull();
    assertThat(client.configMaps().inNamespace("prod").withName(name()).get()).isNotNull();
    assertThat(client.serviceAccounts().inNamespace("prod").withName(name()).get()).isNotNull();
    assertThat(
            client.policy().v1().podDisruptionBudget().inNamespace("prod").withName(name()).get())
        .isNotNull();
    assertThat(client.network().v1().networkPolicies().inNamespace("prod").withName(name()).get())
        .isNotNull();
    assertThat(eventReasons()).filteredOn("Created"::equals).hasSize(7);
  }

  @Test
  void anUnchangedSpecWritesNothingAndAChangedOneUpdatesOnlyWhatDiffers() {
    reconciliation.reconcile(ec);
    String stsVersion = sts().getMetadata().getResourceVersion();
    String serviceVersion =
        client
            .services()
            .inNamespace("prod")
            .withName(name())
            .get()
            .getMetadata()
            .getResourceVersion();

    reconciliation.reconcile(ec);
    assertThat(sts().getMetadata().getResourceVersion()).isEqualTo(stsVersion);

    ec.getSpec().image = "eventstreamcore/engine-node:0.2.0";
    reconciliation.reconcile(ec);
    assertThat(sts().getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("eventstreamcore/engine-node:0.2.0");
    assertThat(
            client
                .services()
                .inNamespace("prod")
                .withName(name())
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(serviceVersion);
    assertThat(eventReasons()).contains("Updated");
  }

  @Test
  void aChangeOfEngineSettingsChangesThePodTemplateButATopicPolicyChangeDoesNot() {
    reconciliation.reconcile(ec);
    String hash =
        sts()
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get("eventstreamcore.io/config-hash");

    ec.getSpec().topicPriorities.put("payments", "CRITICAL");
    reconciliation.reconcile(ec);
    assertThat(sts().getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("eventstreamcore.io/config-hash", hash);
    assertThat(
            client
                .configMaps()
                .inNamespace("prod")
                .withName(name())
                .get()
                .getData()
                .get("topic-policies"))
        .isEqualTo("payments = CRITICAL\n");

    ec.getSpec().dedup.window = "1h";
    reconciliation.reconcile(ec);
    assertThat(sts().getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainEntry("eventstreamcore.io/config-hash", hash);
  }

  @Test
  void scalingUpAddsEachNewPodAsALearnerAndPromotesItOnceCaughtUp() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    raftHas(0, new TreeMap<>(Map.of(0, "LEADER", 1, "FOLLOWER", 2, "FOLLOWER")));
    ec.getSpec().replicas = 5;
    reconciliation.reconcile(ec);
    assertThat(sts().getSpec().getReplicas()).isEqualTo(5);
    String props =
        client
            .configMaps()
            .inNamespace("prod")
            .withName(name())
            .get()
            .getData()
            .get("engine.properties");
    assertThat(props)
        .contains(pod(4) + "=")
        .contains("esc.raft.bootstrap-members=" + pod(0) + "," + pod(1) + "," + pod(2) + "\n");
    assertThat(membership).as("no pod yet to add").isEmpty();

    podRunning(3, "r1");
    podRunning(4, "r1");
    reconciliation.reconcile(ec);
    assertThat(membership)
        .containsExactly(
            "add " + pod(3) + "=" + pod(3) + "." + name() + "-peers.prod.svc:9870:7070:8080");
    raftHas(0, new TreeMap<>(Map.of(0, "LEADER", 1, "FOLLOWER", 2, "FOLLOWER", 3, "LEARNER")));
    reconciliation.reconcile(ec);
    assertThat(membership).last().isEqualTo("promote " + pod(3));
    raftHas(0, new TreeMap<>(Map.of(0, "LEADER", 1, "FOLLOWER", 2, "FOLLOWER", 3, "FOLLOWER")));
    reconciliation.reconcile(ec);
    assertThat(membership).last().asString().startsWith("add " + pod(4) + "=");
    raftHas(
        0,
        new TreeMap<>(
            Map.of(0, "LEADER", 1, "FOLLOWER", 2, "FOLLOWER", 3, "FOLLOWER", 4, "LEARNER")));
    reconciliation.reconcile(ec);
    assertThat(membership).last().isEqualTo("promote " + pod(4));
    raftHas(
        0,
        new TreeMap<>(
            Map.of(0, "LEADER", 1, "FOLLOWER", 2, "FOLLOWER", 3, "FOLLOWER", 4, "FOLLOWER")));
    EventClusterStatus s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(membership).hasSize(4);
    assertThat(condition(s, "Progressing").getReason()).isNotEqualTo("Scaling");
    assertThat(eventReasons()).contains("MemberAdded", "MemberPromoted");
  }

  @Test
  void scalingDownRemovesTheHighestMembersOneAtATimeAndMovesLeadershipOffThemFirst() {
    ec.getSpec().replicas = 5;
    reconciliation.reconcile(ec);
    for (int i = 0; i < 5; i++) {
      podRunning(i, "r1");
    }
    raftHas(
        4,
        new TreeMap<>(
            Map.of(0, "FOLLOWER", 1, "FOLLOWER", 2, "FOLLOWER", 3, "FOLLOWER", 4, "LEADER")));
    ec.getSpec().replicas = 3;
    reconciliation.reconcile(ec);
    assertThat(transfers).singleElement().asString().endsWith("-> " + pod(0));
    assertThat(membership).isEmpty();
    assertThat(sts().getSpec().getReplicas()).as("pods stay until Raft removed them").isEqualTo(5);

    raftHas(
        0,
        new TreeMap<>(
            Map.of(0, "LEADER", 1, "FOLLOWER", 2, "FOLLOWER", 3, "FOLLOWER", 4, "FOLLOWER")));
    reconciliation.reconcile(ec);
    assertThat(membership).containsExactly("remove " + pod(4));
    raftHas(0, new TreeMap<>(Map.of(0, "LEADER", 1, "FOLLOWER", 2, "FOLLOWER", 3, "FOLLOWER")));
    reconciliation.reconcile(ec);
    assertThat(sts().getSpec().getReplicas()).isEqualTo(4);
    assertThat(membership).containsExactly("remove " + pod(4), "remove " + pod(3));
    raftHas(0, new TreeMap<>(Map.of(0, "LEADER", 1, "FOLLOWER", 2, "FOLLOWER")));
    reconciliation.reconcile(ec);
    assertThat(sts().getSpec().getReplicas()).isEqualTo(3);
    assertThat(eventReasons()).contains("MemberRemoved");
  }

  @Test
  void noMembershipChangeWhileAVoterIsBehind() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    leaderIs(pod(0), Map.of(pod(2), 50_000L), 0);
    ec.getSpec().replicas = 5;
    podRunning(3, "r1");
    reconciliation.reconcile(ec);
    assertThat(membership).isEmpty();
  }

  @Test
  void theStatusComesFromTheLeadersRaftView() {
    EventClusterStatus s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(s.phase).isEqualTo("Creating");
    assertThat(condition(s, "Available").getStatus()).isEqualTo("False");

    allPodsRunning("r1");
    leaderIs(name() + "-1", 3);
    s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(s.leader).isEqualTo(name() + "-1");
    assertThat(s.term).isEqualTo(4);
    assertThat(s.members).hasSize(3).allMatch(m -> m.healthy);
    assertThat(condition(s, "Available").getStatus()).isEqualTo("True");
    assertThat(s.clientEndpoints).contains(name() + ".prod.svc:7070");

    leaderIs(name() + "-2", 50_000);
    s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(s.lastFailover.from).isEqualTo(name() + "-1");
    assertThat(s.lastFailover.to).isEqualTo(name() + "-2");
    assertThat(condition(s, "Available").getStatus())
        .as("two members far behind: no healthy quorum")
        .isEqualTo("False");
    assertThat(s.phase).isEqualTo("Unavailable");
    assertThat(eventReasons()).contains("LeaderChanged");
  }

  @Test
  void aRollRestartsFollowersFirstOneAtATimeAndTheLeaderLastAfterMovingLeadership() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    statefulSetWantsRevision("r2");
    leaderIs(pod(2), 0);

    ClusterReconciliation.Reconciled r = reconciliation.reconcile(ec);
    assertThat(podNames()).as("the highest follower first").containsExactly(pod(0), pod(2));
    assertThat(r.nextLook()).isEqualTo(ClusterReconciliation.ACTION_POLL);
    reconciliation.reconcile(ec);
    assertThat(podNames()).as("nothing more while one is down").containsExactly(pod(0), pod(2));

    podRunning(1, "r2");
    reconciliation.reconcile(ec);
    assertThat(podNames()).containsExactly(pod(1), pod(2));
    podRunning(0, "r2");

    reconciliation.reconcile(ec);
    assertThat(podNames()).as("the leader is not restarted while it leads").hasSize(3);
    assertThat(transfers)
        .containsExactly("https://" + pod(2) + "." + name() + "-peers.prod.svc:8080 -> " + pod(0));

    leaderIs(pod(0), 0);
    EventClusterStatus s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(podNames()).containsExactly(pod(0), pod(1));
    assertThat(s.lastRecoveryAction).contains("restarted follower " + pod(2));
    assertThat(eventReasons()).contains("RollingRestart", "LeadershipTransfer");
  }

  @Test
  void aRollWaitsWhileAMemberIsBehind() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    statefulSetWantsRevision("r2");
    leaderIs(pod(0), Map.of(pod(1), 50_000L), 0);
    reconciliation.reconcile(ec);
    assertThat(podNames()).hasSize(3);
  }

  @Test
  void aMemberUnhealthyPastTheLimitIsReplacedButNeverWhenThatWouldBreakTheQuorum() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    leaderIs(pod(0), Map.of(pod(2), 50_000L), 0);
    reconciliation.reconcile(ec);
    clock.advance(Duration.ofMinutes(2));
    reconciliation.reconcile(ec);
    assertThat(podNames()).as("not yet: unhealthy for 2 of 3 minutes").hasSize(3);

    clock.advance(Duration.ofMinutes(2));
    EventClusterStatus s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(podNames()).containsExactly(pod(0), pod(1));
    assertThat(s.lastRecoveryAction).contains("replaced pod " + pod(2));
    assertThat(eventReasons()).contains("MemberReplaced");

    podRunning(2, "r1");
    leaderIs(pod(0), 50_000L);
    reconciliation.reconcile(ec);
    clock.advance(Duration.ofMinutes(5));
    reconciliation.reconcile(ec);
    assertThat(podNames()).as("two members behind: replacing one would leave no quorum").hasSize(3);
  }

  @Test
  void aMemberCatchingUpIsNeverReplacedWhileItsMatchIndexMoves() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    long lag = 50_000;
    for (int minute = 0; minute <= 10; minute += 2) {
      leaderIs(pod(0), Map.of(pod(2), lag), 0);
      reconciliation.reconcile(ec);
      clock.advance(Duration.ofMinutes(2));
      lag -= 1_000;
    }
    assertThat(podNames()).as("10 minutes behind but moving all along").hasSize(3);

    for (int minute = 0; minute <= 4; minute += 2) {
      leaderIs(pod(0), Map.of(pod(2), lag), 0);
      reconciliation.reconcile(ec);
      clock.advance(Duration.ofMinutes(2));
    }
    leaderIs(pod(0), Map.of(pod(2), lag), 0);
    EventClusterStatus s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(podNames()).as("stopped moving for over 3 minutes").containsExactly(pod(0), pod(1));
    assertThat(s.lastRecoveryAction).contains("without progress");
  }

  @Test
  void anEngineRunningAgainAfterAnUnreadableStorageReportKeepsItsVolume() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    leaderIs(pod(0), 0);
    engineTerminated(2, "esc: storage unreadable: Log entry corrupted");
    client
        .pods()
        .inNamespace("prod")
        .withName(pod(2))
        .editStatus(
            p -> {
              p.getStatus().getConditions().get(0).setStatus("True");
              p.getStatus()
                  .getContainerStatuses()
                  .get(0)
                  .setState(new ContainerStateBuilder().withNewRunning().endRunning().build());
              return p;
            });

    reconciliation.reconcile(ec);
    assertThat(membership).isEmpty();
    assertThat(podNames()).hasSize(3);
  }

  @Test
  void onceTheGroupHasFormedTheEnginesAreToldSoWithoutARestart() {
    reconciliation.reconcile(ec);
    String hash =
        sts().getSpec().getTemplate().getMetadata().getAnnotations().get(Names.CONFIG_HASH);
    assertThat(engineProperties()).doesNotContain("esc.raft.formed");

    allPodsRunning("r1");
    leaderIs(pod(0), 0);
    assertThat(reconciliation.reconcile(ec).cluster().getStatus().raftFormed).isTrue();
    reconciliation.reconcile(ec);
    engines.clear();
    reconciliation.reconcile(ec);

    assertThat(engineProperties()).contains("esc.raft.formed=true\n");
    assertThat(sts().getSpec().getTemplate().getMetadata().getAnnotations())
        .as("it matters only to a start on empty storage: no rolling restart for it")
        .containsEntry(Names.CONFIG_HASH, hash);
  }

  private String peerList() {
    return engineProperties()
        .lines()
        .filter(l -> l.startsWith("esc.raft.peers="))
        .findFirst()
        .get();
  }

  private String engineProperties() {
    return client
        .configMaps()
        .inNamespace("prod")
        .withName(name())
        .get()
        .getData()
        .get(EngineConfig.PROPERTIES);
  }

  /** What the kubelet reports for an engine that exited with that termination message. */
  private void engineTerminated(int ordinal, String message) {
    client
        .pods()
        .inNamespace("prod")
        .withName(pod(ordinal))
        .editStatus(
            p -> {
              p.getStatus().getConditions().get(0).setStatus("False");
              p.getStatus()
                  .setContainerStatuses(
                      List.of(
                          new ContainerStatusBuilder()
                              .withName("engine")
                              .withRestartCount(3)
                              .withNewLastState()
                              .withNewTerminated()
                              .withExitCode(1)
                              .withMessage(message)
                              .endTerminated()
                              .endLastState()
                              .build()));
              return p;
            });
  }

  @Test
  void aMemberWithUnreadableStorageLeavesTheGroupThenGetsAFreshVolumeAndRejoinsAsALearner() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    leaderIs(pod(0), 0);
    reconciliation.reconcile(ec);
    String claim = "data-" + pod(2);
    client
        .persistentVolumeClaims()
        .inNamespace("prod")
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(claim)
                .withNamespace("prod")
                .endMetadata()
                .build())
        .create();
    engineTerminated(2, "esc: storage unreadable: Log entry corrupted");

    reconciliation.reconcile(ec);
    assertThat(membership).containsExactly("remove " + pod(2));
    assertThat(podNames()).as("the pod stays until it has left the group").hasSize(3);

    raftHas(0, Map.of(0, "LEADER", 1, "FOLLOWER"));
    EventClusterStatus s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(podNames()).containsExactly(pod(0), pod(1));
    assertThat(client.persistentVolumeClaims().inNamespace("prod").withName(claim).get()).isNull();
    assertThat(s.lastRecoveryAction)
        .contains("replaced pod " + pod(2) + " and its volume " + claim)
        .contains("Log entry corrupted");
    assertThat(eventReasons()).contains("MemberRemoved", "VolumeReplaced");

    podRunning(2, "r1");
    reconciliation.reconcile(ec);
    assertThat(membership).last().asString().startsWith("add " + pod(2) + "=");
  }

  @Test
  void otherCrashesNeverCostAVolume() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    leaderIs(pod(0), 0);
    engineTerminated(2, "Address already in use");
    reconciliation.reconcile(ec);
    assertThat(membership).isEmpty();
    assertThat(podNames()).hasSize(3);
  }

  @Test
  void anInvalidSpecChangesNothingAndSaysWhy() {
    reconciliation.reconcile(ec);
    String version = sts().getMetadata().getResourceVersion();
    ec.getSpec().replicas = 4;
    ec.getSpec().image = "other:1";
    EventClusterStatus s = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(sts().getMetadata().getResourceVersion()).isEqualTo(version);
    assertThat(condition(s, "Progressing").getReason()).isEqualTo("InvalidSpec");
    assertThat(condition(s, "Progressing").getMessage()).contains("replicas must be odd");
    reconciliation.reconcile(ec);
    assertThat(eventReasons()).containsOnlyOnce("InvalidSpec");
  }

  private void claimsOf(String size, String storageClass) {
    for (int i = 0; i < 3; i++) {
      client
          .persistentVolumeClaims()
          .inNamespace("prod")
          .resource(
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName("data-" + pod(i))
                  .withNamespace("prod")
                  .withLabels(Names.selector(ec))
                  .endMetadata()
                  .withNewSpec()
                  .withStorageClassName(storageClass)
                  .withNewResources()
                  .addToRequests("storage", new Quantity(size))
                  .endResources()
                  .endSpec()
                  .build())
          .createOr(existing -> existing.update());
    }
  }

  private void storageClass(String name, boolean expandable) {
    client
        .storage()
        .v1()
        .storageClasses()
        .resource(
            new StorageClassBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withProvisioner("test")
                .withAllowVolumeExpansion(expandable)
                .build())
        .createOr(existing -> existing.update());
  }

  private List<String> claimSizes() {
    List<String> sizes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      sizes.add(
          client
              .persistentVolumeClaims()
              .inNamespace("prod")
              .withName("data-" + pod(i))
              .get()
              .getSpec()
              .getResources()
              .getRequests()
              .get("storage")
              .toString());
    }
    return sizes;
  }

  private String templateSize() {
    return sts()
        .getSpec()
        .getVolumeClaimTemplates()
        .get(0)
        .getSpec()
        .getResources()
        .getRequests()
        .get("storage")
        .toString();
  }

  private EventClusterStatus editAndReconcile(java.util.function.Consumer<EventCluster> edit) {
    edit.accept(ec);
    ec = client.resource(ec).update();
    return reconciliation.reconcile(ec).cluster().getStatus();
  }

  @Test
  void aLargerVolumeGrowsEachClaimInPlaceAndNeverTouchesTheTemplates() {
    ec.getSpec().storage.storageClass = "fast";
    ec = client.resource(ec).update();
    reconciliation.reconcile(ec);
    storageClass("fast", true);
    claimsOf("10Gi", "fast");
    allPodsRunning("r1");
    leaderIs(pod(0), 0);

    EventClusterStatus s = editAndReconcile(e -> e.getSpec().storage.size = "20Gi");

    assertThat(claimSizes()).containsOnly("20Gi");
    assertThat(templateSize()).as("a real API server refuses this change").isEqualTo("10Gi");
    assertThat(condition(s, "Storage").getReason()).isEqualTo("Expanding");
    ec = client.resource(ec).get();
    ec.setStatus(s);
    EventClusterStatus after = reconciliation.reconcile(ec).cluster().getStatus();
    assertThat(condition(after, "Storage").getStatus()).isEqualTo("True");
  }

  @Test
  void whatVolumesCannotDoIsSaidInTheStatusAndEverythingElseStillReconciles() {
    reconciliation.reconcile(ec);
    storageClass("standard", false);
    claimsOf("10Gi", null);
    allPodsRunning("r1");
    leaderIs(pod(0), 0);

    EventClusterStatus grow = editAndReconcile(e -> e.getSpec().storage.size = "20Gi");
    assertThat(condition(grow, "Storage").getReason()).isEqualTo("ExpansionNotAllowed");
    assertThat(claimSizes()).containsOnly("10Gi");

    EventClusterStatus shrink = editAndReconcile(e -> e.getSpec().storage.size = "5Gi");
    assertThat(condition(shrink, "Storage").getReason()).isEqualTo("ShrinkRefused");
    assertThat(condition(shrink, "Storage").getMessage()).contains("cannot shrink");

    EventClusterStatus otherClass =
        editAndReconcile(
            e -> {
              e.getSpec().storage.size = "10Gi";
              e.getSpec().storage.storageClass = "premium";
              e.getSpec().jvmOptions = "-XX:+UseG1GC -XX:MaxGCPauseMillis=20";
            });
    assertThat(condition(otherClass, "Storage").getReason()).isEqualTo("StorageClassUnchangeable");
    assertThat(templateSize()).isEqualTo("10Gi");
    assertThat(sts().getSpec().getVolumeClaimTemplates().get(0).getSpec().getStorageClassName())
        .isNull();
    assertThat(sts().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .as("the rest of the spec still reaches the StatefulSet")
        .anySatisfy(v -> assertThat(v.getValue()).contains("MaxGCPauseMillis=20"));
    assertThat(eventReasons()).contains("ExpansionNotAllowed", "ShrinkRefused");
  }

  @Test
  void theChangeHashDoesNotDependOnTheOrderOfLabels() {
    Map<String, String> ab = new java.util.LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new java.util.LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    assertThat(
            ChildApplier.hash(
                new ConfigMapBuilder().withNewMetadata().withLabels(ab).endMetadata().build()))
        .isEqualTo(
            ChildApplier.hash(
                new ConfigMapBuilder().withNewMetadata().withLabels(ba).endMetadata().build()));
  }

  @Test
  void aStatefulSetScaledByHandIsPutBackAndNeverAdoptedIntoThePeerList() {
    reconciliation.reconcile(ec);
    allPodsRunning("r1");
    leaderIs(pod(0), 0);
    ec.setStatus(reconciliation.reconcile(ec).cluster().getStatus());
    String peers = peerList();

    client.apps().statefulSets().inNamespace("prod").withName(name()).scale(1);
    engines.clear(); // and the quorum is gone: no leader to ask
    ec.setStatus(reconciliation.reconcile(ec).cluster().getStatus());

    assertThat(sts().getSpec().getReplicas()).isEqualTo(3);
    assertThat(peerList()).contains(pod(2)).isEqualTo(peers);
    assertThat(ec.getStatus().selector).contains("app.kubernetes.io/instance=" + name());
  }

  @Test
  void anObjectTheClusterDoesNotOwnIsNeverTakenOverAndTheStatusSaysWhy() {
    client
        .configMaps()
        .inNamespace("prod")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name())
                .withNamespace("prod")
                .endMetadata()
                .addToData("someone", "else's")
                .build())
        .create();

    EventClusterStatus s = reconciliation.reconcile(ec).cluster().getStatus();

    assertThat(client.configMaps().inNamespace("prod").withName(name()).get().getData())
        .containsOnlyKeys("someone");
    assertThat(condition(s, "Progressing").getReason()).isEqualTo("ForeignObject");
    assertThat(condition(s, "Progressing").getMessage()).contains("ConfigMap " + name());
    assertThat(sts()).as("nothing is built around an object that is not ours").isNull();
  }

  @Test
  void aRepeatedEventIsCountedOnOneObject() {
    EventRecorder events = new EventRecorder(client);
    for (int i = 0; i < 3; i++) {
      events.warning(ec, "Stuck", "the same problem");
    }
    events.warning(ec, "Stuck", "another problem");
    List<Event> recorded =
        client.v1().events().inNamespace("prod").list().getItems().stream()
            .filter(e -> e.getInvolvedObject().getName().equals(name()))
            .toList();
    assertThat(recorded)
        .extracting(e -> e.getMessage() + " x" + e.getCount())
        .containsExactlyInAnyOrder("the same problem x3", "another problem x1");
  }
}
