package io.eventstreamcore.node.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.util.TimeDuration;
import org.jboss.logging.Logger;

/**
 * Leads once, in a throwaway one-member Raft group inside this JVM, so that the node's first real
 * leadership finds Ratis's leader side loaded.
 *
 * <p>Why: in {@code esc failover-bench} runs with {@code -Xlog:class+load}, a node that had never
 * led spent 120–440 ms between winning an election and becoming leader, loading about two hundred
 * classes and lambdas of Ratis's leader state, pending requests and client replies; a node that had
 * led before took 16–34 ms. With election timeouts of 150–300 ms that delay was long enough for the
 * surviving follower to start an election of its own, and for Ratis to make the new leader step
 * down for lost heartbeats: a second election, about a second more without writes. The group has
 * one member because a two-member one elects like a real group, with the same cold-start troubles
 * and the CPU of a second server, while one member leads at once. It runs on a loopback port with
 * the node's own Ratis settings in a folder under the data directory, writes five small entries one
 * at a time and is removed; nothing of it reaches the node's group.
 *
 * <p>It waits until the node follows a leader and has caught up. Run at once, it competed for the
 * two vCPUs with the node's own election and catch-up: after two of three nodes were killed and
 * restarted, writes came back one to three seconds later with it than without it (ADR 0022). A node
 * that leads first has loaded the leader side by leading, so it skips the warm-up.
 */
final class LeaderPathWarmup {
  private static final Logger LOG = Logger.getLogger(LeaderPathWarmup.class);

  /**
   * The leader side is loaded by the first few writes; more only made the warm-up longer (50 took
   * 3–7 s next to a loaded cluster, long enough to overlap the next failover).
   */
  private static final int ENTRIES = 5;

  private static final long WAIT_SECONDS = 30;
  private static final long POLL_MILLIS = 200;

  /** A node that has neither led nor caught up by then is in trouble the warm-up cannot help. */
  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(10);

  private LeaderPathWarmup() {}

  /**
   * Starts a daemon thread that warms up once the node follows a caught-up log, or skips it when
   * the node leads first; failures are logged and change nothing.
   *
   * @return true once the warm-up has finished or was skipped
   */
  static BooleanSupplier startInBackground(
      RaftProperties nodeSettings,
      Path dataDir,
      BooleanSupplier leads,
      BooleanSupplier followsCaughtUp) {
    AtomicBoolean finished = new AtomicBoolean();
    Thread t =
        new Thread(
            () -> {
              try {
                if (!awaitCaughtUpFollower(leads, followsCaughtUp, GIVE_UP_AFTER)) {
                  LOG.infof(
                      "Raft leader path warm-up skipped: this node led, or did not follow a"
                          + " caught-up log within %s",
                      GIVE_UP_AFTER);
                  return;
                }
                long start = System.nanoTime();
                run(
                    nodeSettings,
                    dataDir.resolve("raft-warmup"),
                    () -> {
                      LOG.infof(
                          "Raft leader path warmed up in %d ms",
                          (System.nanoTime() - start) / 1_000_000);
                      finished.set(true);
                    });
              } catch (Exception e) {
                LOG.infof("Raft leader path warm-up skipped: %s", e.toString());
              } finally {
                finished.set(true);
              }
            },
            "esc-leader-warmup");
    t.setDaemon(true);
    t.start();
    return finished::get;
  }

  /**
   * Waits until the node follows a leader with its log caught up (true), or leads (false); gives up
   * with false after {@code limit}.
   */
  static boolean awaitCaughtUpFollower(
      BooleanSupplier leads, BooleanSupplier followsCaughtUp, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (leads.getAsBoolean()) {
        return false;
      }
      if (followsCaughtUp.getAsBoolean()) {
        return true;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return false;
  }

  /**
   * Leads the throwaway group, tells {@code warm} once its entries are committed, then closes and
   * removes it. Closing takes about a second that loads nothing (Ratis's log worker notices the
   * close only when its one-second poll of an empty queue ends), so nobody waits for it.
   */
  static void run(RaftProperties nodeSettings, Path dir, Runnable warm) throws Exception {
    deleteTree(dir);
    RaftPeer peer =
        RaftPeer.newBuilder().setId("warmup").setAddress("127.0.0.1:" + freeLoopbackPort()).build();
    RaftGroup group = RaftGroup.valueOf(RaftGroupId.randomId(), peer);
    RaftServer server = server(nodeSettings, dir, group, peer);
    try {
      server.start();
      RaftProperties clientSettings = new RaftProperties();
      // A node starting next to others on a busy host answers slowly; a warm-up has time.
      RaftClientConfigKeys.Rpc.setRequestTimeout(
          clientSettings, TimeDuration.valueOf(WAIT_SECONDS, TimeUnit.SECONDS));
      try (RaftClient client =
          RaftClient.newBuilder().setProperties(clientSettings).setRaftGroup(group).build()) {
        // One at a time: the path is what needs loading, not throughput, and the node's own
        // start is competing for the same CPUs.
        for (int i = 0; i < ENTRIES; i++) {
          client
              .async()
              .send(Message.valueOf("warm-up entry " + i))
              .get(WAIT_SECONDS, TimeUnit.SECONDS);
        }
      }
      warm.run();
    } finally {
      server.close();
      deleteTree(dir);
    }
  }

  private static RaftServer server(
      RaftProperties nodeSettings, Path dir, RaftGroup group, RaftPeer peer) throws IOException {
    RaftProperties props = new RaftProperties(nodeSettings);
    RaftServerConfigKeys.setStorageDir(
        props, List.of(dir.resolve(peer.getId().toString()).toFile()));
    GrpcConfigKeys.Server.setHost(props, "127.0.0.1");
    GrpcConfigKeys.Server.setPort(props, Integer.parseInt(peer.getAddress().split(":")[1]));
    RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, false);
    // Alone in its group, it need not wait out an election timeout before it stands.
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(props, TimeDuration.ONE_MILLISECOND);
    RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(
        props, TimeDuration.valueOf(5, TimeUnit.MILLISECONDS));
    return RaftServer.newBuilder()
        .setServerId(RaftPeerId.valueOf(peer.getId().toString()))
        .setGroup(group)
        .setStateMachine(new BaseStateMachine())
        .setProperties(props)
        .setOption(RaftStorage.StartupOption.FORMAT)
        .build();
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
