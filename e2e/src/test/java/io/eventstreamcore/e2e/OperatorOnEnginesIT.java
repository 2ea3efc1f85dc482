package io.eventstreamcore.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventstreamcore.operator.OperatorRunner;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterStatus;
import io.eventstreamcore.operator.engine.ClusterView;
import io.eventstreamcore.operator.engine.EngineAdmin;
import io.eventstreamcore.operator.engine.HttpEngineAdmin;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's decisions against real engine processes: a mock API server holds the objects,
 * {@link KubeletSimulation} plays the StatefulSet controller and kubelet. Creates a 3-member
 * cluster, changes the image (the leader must be restarted last, after a leadership transfer), then
 * scales to 5 and back to 3, with a producer running throughout; nothing acknowledged is lost.
 */
class OperatorOnEnginesIT {
  private static final String NS = "sim";
  private static final String NAME = "events";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @Test
  void rollsAndScalesARealClusterWithoutLosingAcknowledgedEvents() throws Exception {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    int base = Nodes.freeBasePort(5);
    try (KubernetesClient client = server.createClient();
        KubeletSimulation kubelet = new KubeletSimulation(client, NS, NAME, dir, base)) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .load(
              OperatorOnEnginesIT.class.getResourceAsStream(
                  "/META-INF/fabric8/eventclusters.eventstreamcore.io-v1.yml"))
          .create();
      Operator operator = OperatorRunner.start(client, Set.of(), loopback(kubelet));
      kubelet.start();
      try {
        EventCluster ec = new EventCluster();
        ec.setMetadata(new ObjectMetaBuilder().withName(NAME).withNamespace(NS).build());
        client.resource(ec).create();
        awaitStatus(
            client, "3 members Running", s -> "Running".equals(s.phase) && s.members.size() == 3);

        List<String> bootstrap = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          bootstrap.add("127.0.0.1:" + kubelet.clientPort(i));
        }
        PacedLoad load = new PacedLoad(bootstrap, "orders", 30_000, 50, 50, 32).start();
        load.awaitAcked(500);

        String leaderBefore = status(client).leader;
        String revisionBefore = updateRevision(client);
        edit(client, e -> e.getSpec().image = "eventstreamcore/engine-node:0.2.0");
        awaitStatus(client, "new revision", s -> !revisionBefore.equals(updateRevision(client)));
        awaitStatus(client, "rolled", s -> "Running".equals(s.phase) && rolled(client));
        assertLeaderRolledLast(client, leaderBefore);

        edit(client, e -> e.getSpec().replicas = 5);
        awaitStatus(client, "5 voters", s -> "Running".equals(s.phase) && voters(s) == 5);
        edit(client, e -> e.getSpec().replicas = 3);
        awaitStatus(
            client,
            "back to 3",
            s -> "Running".equals(s.phase) && s.members.size() == 3 && s.replicas == 3);

        edit(client, e -> e.getSpec().recovery.unhealthyAfter = "15s");
        String crashed = status(client).leader;
        kubelet.crashLoop(Integer.parseInt(crashed.substring(crashed.lastIndexOf('-') + 1)));
        awaitStatus(
            client,
            "the crash-looping leader replaced",
            s ->
                s.lastRecoveryAction != null
                    && s.lastRecoveryAction.contains("replaced pod " + crashed));
        awaitStatus(
            client, "Running again", s -> "Running".equals(s.phase) && s.members.size() == 3);

        load.awaitAcked(load.acked().size() + 500);
        load.stop();
        String leader = status(client).leader;
        int leaderOrdinal = Integer.parseInt(leader.substring(leader.lastIndexOf('-') + 1));
        List<String> log =
            Nodes.readIds("127.0.0.1:" + kubelet.clientPort(leaderOrdinal), "orders");
        assertThat(log).doesNotHaveDuplicates().containsAll(load.acked().keySet());
      } finally {
        operator.stop();
      }
    } finally {
      server.destroy();
    }
  }

  /** The operator's admin calls, sent to the simulated pods' loopback ports. */
  private static EngineAdmin loopback(KubeletSimulation kubelet) {
    EngineAdmin http = new HttpEngineAdmin();
    return new EngineAdmin() {
      @Override
      public Optional<ClusterView> cluster(String httpUrl) {
        return http.cluster(kubelet.loopbackUrl(httpUrl));
      }

      @Override
      public boolean transferLeadership(String leaderHttpUrl, String toNodeId) {
        return http.transferLeadership(kubelet.loopbackUrl(leaderHttpUrl), toNodeId);
      }

      @Override
      public boolean addLearner(String leaderHttpUrl, String peer) {
        return http.addLearner(kubelet.loopbackUrl(leaderHttpUrl), kubelet.loopbackPeer(peer));
      }

      @Override
      public boolean promote(String leaderHttpUrl, String nodeId) {
        return http.promote(kubelet.loopbackUrl(leaderHttpUrl), nodeId);
      }

      @Override
      public boolean remove(String leaderHttpUrl, String nodeId) {
        return http.remove(kubelet.loopbackUrl(leaderHttpUrl), nodeId);
      }
    };
  }

  private static EventClusterStatus status(KubernetesClient client) {
    EventCluster ec = client.resources(EventCluster.class).inNamespace(NS).withName(NAME).get();
    return ec.getStatus() == null ? new EventClusterStatus() : ec.getStatus();
  }

  private static void edit(
      KubernetesClient client, java.util.function.Consumer<EventCluster> change) {
    client
        .resources(EventCluster.class)
        .inNamespace(NS)
        .withName(NAME)
        .edit(
            e -> {
              change.accept(e);
              return e;
            });
  }

  private static void awaitStatus(
      KubernetesClient client, String what, Predicate<EventClusterStatus> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
    while (!done.test(status(client))) {
      assertThat(System.nanoTime())
          .as(
              "%s; status phase %s, members %s, last action %s",
              what,
              status(client).phase,
              status(client).members.size(),
              status(client).lastRecoveryAction)
          .isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  private static long voters(EventClusterStatus s) {
    return s.members.stream().filter(m -> !"LEARNER".equals(m.role) && m.healthy).count();
  }

  private static String updateRevision(KubernetesClient client) {
    var sts = client.apps().statefulSets().inNamespace(NS).withName(NAME).get();
    return sts.getStatus() == null ? "" : String.valueOf(sts.getStatus().getUpdateRevision());
  }

  private static boolean rolled(KubernetesClient client) {
    var sts = client.apps().statefulSets().inNamespace(NS).withName(NAME).get();
    String revision = sts.getStatus() == null ? null : sts.getStatus().getUpdateRevision();
    var pods = client.pods().inNamespace(NS).list().getItems();
    return revision != null
        && pods.size() == 3
        && pods.stream()
            .allMatch(
                p -> revision.equals(p.getMetadata().getLabels().get("controller-revision-hash")));
  }

  /**
   * Every restart named a pod other than the leader of that moment. The leader from before the roll
   * went last after a transfer, unless leadership moved on its own meanwhile (a follower's restart
   * on a busy host can cost the leader its lease), in which case no transfer was needed.
   */
  private static void assertLeaderRolledLast(KubernetesClient client, String leaderBefore) {
    List<Event> events = client.v1().events().inNamespace(NS).list().getItems();
    List<String> restarts =
        events.stream()
            .filter(e -> "RollingRestart".equals(e.getReason()))
            .map(Event::getMessage)
            .toList();
    assertThat(restarts).hasSize(3);
    for (String restart : restarts) {
      String pod = restart.substring("restarted follower ".length()).split(" ")[0];
      assertThat(restart).as("restarted the leader").doesNotEndWith(" " + pod + " leads");
    }
    List<String> reasons = events.stream().map(Event::getReason).toList();
    if (reasons.contains("LeadershipTransfer")) {
      String transfer = lastMessage(client, "LeadershipTransfer");
      String movedFrom = transfer.substring(transfer.indexOf("from ") + 5).split(" ")[0];
      assertThat(lastMessage(client, "RollingRestart"))
          .as("the leader last, after moving its leadership: %s", transfer)
          .startsWith("restarted follower " + movedFrom + " ");
    } else {
      assertThat(reasons)
          .as("%s kept leading yet was never moved", leaderBefore)
          .contains("LeaderChanged");
    }
  }

  /** The message of the last event with that reason. */
  private static String lastMessage(KubernetesClient client, String reason) {
    return client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .max(Comparator.comparing(Event::getLastTimestamp))
        .map(Event::getMessage)
        .orElse("");
  }
}
