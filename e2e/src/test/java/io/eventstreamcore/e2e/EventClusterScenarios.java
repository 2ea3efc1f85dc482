package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.client.Connection;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterStatus;
import io.eventstreamcore.protocol.MetadataResult;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user does with an EventCluster, written once against {@link KubeCluster}: create it and
 * produce and consume through it; lose the leader's pod; scale 3 → 5 → 3; change a setting that
 * needs a rolling restart. A producer runs throughout and nothing it had acknowledged may be lost
 * or duplicated.
 */
abstract class EventClusterScenarios {
  static final String NAME = "events";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  abstract KubeCluster startCluster(Path dir) throws Exception;

  @Test
  void lifecycleOfAnEventClusterUnderLoad() throws Exception {
    try (KubeCluster kube = startCluster(dir)) {
      create(kube);
      PacedLoad load = load(kube).start();
      load.awaitAcked(500);
      awaitConsumable(kube.clientEndpoint(pod(0)), 500);

      loseTheLeaderPod(kube);
      load.awaitAcked(load.acked().size() + 300);

      edit(kube, e -> e.getSpec().replicas = 5);
      awaitStatus(kube, "5 voters", s -> running(s) && voters(s) == 5);
      edit(kube, e -> e.getSpec().replicas = 3);
      awaitStatus(kube, "back to 3", s -> running(s) && s.members.size() == 3 && s.replicas == 3);

      String leaderBefore = status(kube).leader;
      long leaderChangesBefore = leaderChanges(kube);
      edit(kube, e -> e.getSpec().jvmOptions = "-XX:+UseG1GC -XX:MaxGCPauseMillis=10");
      awaitStatus(kube, "rolled", s -> running(s) && restarts(kube).size() == 3);
      assertLeaderRolledLast(kube, leaderBefore, leaderChangesBefore);

      assertNothingAcknowledgedLost(kube, load);
    }
  }

  /**
   * A producer that retries each send until it is acknowledged, as an application that must not
   * drop events does: while members join the dedup table on this busy host, writes can be refused
   * for minutes (docs/operations.md), which must delay the load, not end it.
   */
  static PacedLoad load(KubeCluster kube) {
    return new PacedLoad(endpoints(kube, 3), "orders", 30_000, 50, 50, 32, Duration.ofMinutes(5));
  }

  /** Creates the EventCluster with every default and waits for 3 members in phase Running. */
  static void create(KubeCluster kube) throws Exception {
    EventCluster ec = new EventCluster();
    ec.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(kube.namespace()).build());
    kube.client().resource(ec).create();
    awaitStatus(kube, "3 members Running", s -> running(s) && s.members.size() == 3);
  }

  /**
   * Deletes the leader's pod; a surviving member must name a new leader soon, and the pod must come
   * back and catch up.
   */
  private static void loseTheLeaderPod(KubeCluster kube) throws Exception {
    String leader = status(kube).leader;
    String survivor = pod(leader.equals(pod(0)) ? 1 : 0);
    long deleted = System.nanoTime();
    kube.client().pods().inNamespace(kube.namespace()).withName(leader).delete();
    String newLeader = null;
    while (newLeader == null || newLeader.equals(leader)) {
      assertThat(Duration.ofNanos(System.nanoTime() - deleted))
          .as("a new leader after %s's pod was deleted", leader)
          .isLessThan(Duration.ofSeconds(20));
      newLeader = leaderSeenBy(kube.clientEndpoint(survivor));
    }
    System.out.printf(
        "leader pod %s deleted: %s named %s leader after %d ms%n",
        leader, survivor, newLeader, Duration.ofNanos(System.nanoTime() - deleted).toMillis());
    awaitStatus(
        kube,
        "the deleted pod back and caught up",
        s -> running(s) && s.members.size() == 3 && s.members.stream().allMatch(m -> m.healthy));
  }

  /** A consumer of any member sees what was acknowledged once that member has applied it. */
  private static void awaitConsumable(String endpoint, int events) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (Nodes.readIds(endpoint, "orders").size() < events) {
      assertThat(System.nanoTime())
          .as("%d events consumable at %s", events, endpoint)
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static String leaderSeenBy(String endpoint) throws InterruptedException {
    try (Connection c = Connection.open(endpoint)) {
      MetadataResult.Member leader = c.metadata().leader();
      return leader == null ? null : leader.nodeId();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      Thread.sleep(50);
      return null;
    }
  }

  static void assertNothingAcknowledgedLost(KubeCluster kube, PacedLoad load) throws Exception {
    load.awaitAcked(load.acked().size() + 300);
    load.stop();
    // Only what was acknowledged before the log is read: a straggler's ack may still come in.
    List<String> acked = List.copyOf(load.acked().keySet());
    List<String> log = Nodes.readIds(kube.clientEndpoint(status(kube).leader), "orders");
    assertThat(log).doesNotHaveDuplicates().containsAll(acked);
  }

  /**
   * Every restart named a pod other than the leader of that moment. The leader from before the roll
   * went last after a transfer, unless leadership moved on its own meanwhile (a follower's restart
   * on a busy host can cost the leader its lease), in which case no transfer was needed.
   */
  private static void assertLeaderRolledLast(
      KubeCluster kube, String leaderBefore, long leaderChangesBefore) {
    for (String restart : restarts(kube)) {
      String pod = restart.substring("restarted follower ".length()).split(" ")[0];
      assertThat(restart).as("restarted the leader").doesNotEndWith(" " + pod + " leads");
    }
    List<Event> events = events(kube);
    if (events.stream().anyMatch(e -> "LeadershipTransfer".equals(e.getReason()))) {
      String transfer = lastMessage(events, "LeadershipTransfer");
      String movedFrom = transfer.substring(transfer.indexOf("from ") + 5).split(" ")[0];
      assertThat(lastMessage(events, "RollingRestart"))
          .as("the leader last, after moving its leadership: %s", transfer)
          .startsWith("restarted follower " + movedFrom + " ");
    } else {
      assertThat(leaderChanges(kube))
          .as("%s kept leading through the roll yet was never moved", leaderBefore)
          .isGreaterThan(leaderChangesBefore);
    }
  }

  static List<String> endpoints(KubeCluster kube, int replicas) {
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      endpoints.add(kube.clientEndpoint(pod(i)));
    }
    return endpoints;
  }

  static String pod(int ordinal) {
    return NAME + "-" + ordinal;
  }

  static boolean running(EventClusterStatus s) {
    return "Running".equals(s.phase);
  }

  static EventClusterStatus status(KubeCluster kube) {
    EventCluster ec =
        kube.client()
            .resources(EventCluster.class)
            .inNamespace(kube.namespace())
            .withName(NAME)
            .get();
    return ec == null || ec.getStatus() == null ? new EventClusterStatus() : ec.getStatus();
  }

  static void edit(KubeCluster kube, Consumer<EventCluster> change) {
    kube.client()
        .resources(EventCluster.class)
        .inNamespace(kube.namespace())
        .withName(NAME)
        .edit(
            e -> {
              change.accept(e);
              return e;
            });
  }

  static void awaitStatus(KubeCluster kube, String what, Predicate<EventClusterStatus> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!done.test(status(kube))) {
      EventClusterStatus s = status(kube);
      assertThat(System.nanoTime())
          .as(
              "%s; status phase %s, leader %s, members %s, pods %s, last action %s",
              what, s.phase, s.leader, members(s), pods(kube), s.lastRecoveryAction)
          .isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  /** Each member as the operator saw it, for a failure message that says what was stuck. */
  private static List<String> members(EventClusterStatus s) {
    return s.members.stream()
        .map(
            m ->
                String.format(
                    "%s %s %s lag %s contact %s ms",
                    m.pod,
                    m.role,
                    m.healthy ? "healthy" : "unhealthy since " + m.unhealthySince,
                    m.lag,
                    m.lastContactMs))
        .toList();
  }

  private static List<String> pods(KubeCluster kube) {
    return kube.client().pods().inNamespace(kube.namespace()).list().getItems().stream()
        .map(
            p ->
                p.getMetadata().getName()
                    + " ready="
                    + p.getStatus().getConditions().stream()
                        .filter(c -> "Ready".equals(c.getType()))
                        .map(c -> c.getStatus())
                        .findFirst()
                        .orElse("?"))
        .toList();
  }

  private static long voters(EventClusterStatus s) {
    return s.members.stream().filter(m -> !"LEARNER".equals(m.role) && m.healthy).count();
  }

  private static List<String> restarts(KubeCluster kube) {
    return events(kube).stream()
        .filter(e -> "RollingRestart".equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  private static long leaderChanges(KubeCluster kube) {
    return events(kube).stream().filter(e -> "LeaderChanged".equals(e.getReason())).count();
  }

  private static List<Event> events(KubeCluster kube) {
    KubernetesClient client = kube.client();
    return client.v1().events().inNamespace(kube.namespace()).list().getItems();
  }

  private static String lastMessage(List<Event> events, String reason) {
    return events.stream()
        .filter(e -> reason.equals(e.getReason()))
        .max(Comparator.comparing(Event::getLastTimestamp))
        .map(Event::getMessage)
        .orElse("");
  }
}
