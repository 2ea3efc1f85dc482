package io.eventstreamcore.cli;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Start, stop and inspect a cluster of engine-node processes on this machine. */
@Command(
    mixinStandardHelpOptions = true,
    name = "cluster",
    description = "A local cluster of engine-node processes on 127.0.0.1.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class, ClusterCommand.Status.class})
final class ClusterCommand {

  /** Where the cluster lives and which ports it uses; the same for up, down and status. */
  static final class Layout {
    @Option(
        names = "--dir",
        defaultValue = ".esc/cluster",
        description = "Data folder (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(
        names = "--nodes",
        defaultValue = "3",
        description = "Odd, 1..7 (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(
        names = "--base-port",
        defaultValue = "7070",
        description = "Client port of n1; HTTP is +1010, Raft +2800 (default: ${DEFAULT-VALUE})")
    int basePort;

    LocalCluster cluster() {
      return cluster(List.of());
    }

    LocalCluster cluster(List<String> settings) {
      return LocalCluster.of(dir, nodes, basePort, settings);
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "up",
      description = "Start the nodes and wait until they are ready.")
  static final class Up implements Callable<Integer> {
    @picocli.CommandLine.Mixin Layout layout;

    @Option(names = "--detach", description = "Leave the nodes running and return")
    boolean detach;

    @Mixin NodeSettings settings;

    @Option(
        names = "--secure",
        description =
            "TLS on every channel and authentication, with a CA, certificates and an admin"
                + " credential made in <dir>/security (kept for later runs; esc uses them)")
    boolean secure;

    @Override
    public Integer call() throws Exception {
      if (secure) {
        LocalCluster.secure(layout.dir, layout.nodes);
      }
      LocalCluster cluster = layout.cluster(settings.values);
      boolean secured = cluster.nodes().get(0).spec().security().isPresent();
      for (LocalNode n : cluster.nodes()) {
        Optional<ProcessHandle> running = runningProcess(n);
        if (running.isPresent()) {
          System.err.printf(
              "%s already runs (pid %d); 'esc cluster down' first%n",
              n.spec().id(), running.get().pid());
          return 1;
        }
      }
      if (!detach) {
        Runtime.getRuntime()
            .addShutdownHook(
                new Thread(
                    () -> {
                      System.out.println("stopping the cluster ...");
                      try {
                        cluster.close();
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    }));
      }
      cluster.start();
      cluster.awaitReady(Duration.ofSeconds(90));
      Status.print(cluster);
      System.out.printf(
          "bootstrap: %s; logs: %s/n*/node.log%n",
          String.join(",", cluster.clientEndpoints()), layout.dir);
      System.out.printf("dashboard: %s/ui%n", cluster.nodes().get(0).spec().httpUrl());
      if (secured) {
        System.out.printf(
            "secured: TLS (CA %1$s/security/ca.crt) and authentication; admin credential in"
                + " %1$s/security/admin.credential, which esc uses by itself%n",
            layout.dir);
      } else {
        System.out.println(
            "NOT secured: no TLS, no authentication; anyone who reaches these ports may produce,"
                + " consume and administer (esc cluster up --secure to change that)");
      }
      if (detach) {
        return 0;
      }
      System.out.println("running; Ctrl-C stops every node");
      Thread.currentThread().join();
      return 0;
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "down",
      description = "Stop the nodes (SIGTERM, then SIGKILL after 15 s).")
  static final class Down implements Callable<Integer> {
    @picocli.CommandLine.Mixin Layout layout;

    @Override
    public Integer call() throws Exception {
      for (LocalNode n : layout.cluster().nodes()) {
        Optional<ProcessHandle> p = runningProcess(n);
        if (p.isEmpty()) {
          System.out.printf("%s not running%n", n.spec().id());
          continue;
        }
        p.get().destroy();
        try {
          p.get().onExit().get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          p.get().destroyForcibly();
        }
        System.out.printf("%s stopped (pid %d)%n", n.spec().id(), p.get().pid());
      }
      return 0;
    }
  }

  @Command(
      mixinStandardHelpOptions = true,
      name = "status",
      description = "Show each node's process, role and readiness.")
  static final class Status implements Callable<Integer> {
    @picocli.CommandLine.Mixin Layout layout;

    @Override
    public Integer call() {
      print(layout.cluster());
      return 0;
    }

    static void print(LocalCluster cluster) {
      System.out.printf(
          "%-4s %-8s %-10s %-7s %-22s %s%n", "node", "pid", "role", "ready", "client", "http");
      for (LocalNode n : cluster.nodes()) {
        String pid = runningProcess(n).map(p -> String.valueOf(p.pid())).orElse("-");
        System.out.printf(
            "%-4s %-8s %-10s %-7s %-22s %s%n",
            n.spec().id(),
            pid,
            LocalCluster.role(n),
            n.ready() ? "yes" : "no",
            n.spec().clientEndpoint(),
            n.spec().httpUrl());
      }
    }
  }

  /** The node's process as its pid file names it, if that process still runs. */
  static Optional<ProcessHandle> runningProcess(LocalNode n) {
    try {
      Path f = n.spec().dataDir().resolve(LocalNode.PID_FILE);
      return Files.exists(f)
          ? ProcessHandle.of(Long.parseLong(Files.readString(f).trim()))
              .filter(ProcessHandle::isAlive)
          : Optional.empty();
    } catch (java.io.IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
