package io.eventstreamcore.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A real network for node processes: each node in a network namespace of its own with one address,
 * all joined by a bridge that also carries this test's traffic. Cutting a node off its peers puts a
 * blackhole route to each peer in its namespace and one to it in theirs, so Raft, Hazelcast and the
 * nodes' HTTP calls to each other all stop, while clients on the bridge still reach every node.
 * Creating namespaces needs root; {@link #supported} says whether this machine allows it, and tests
 * that need it are skipped, not passed, where it does not.
 */
final class NodeNetwork implements AutoCloseable {
  private final String tag;
  private final int subnet;
  private final int size;
  private final List<String> created = new ArrayList<>();
  private boolean bridgeUp;

  private NodeNetwork(int size) {
    // Names stay under the 15 characters Linux allows an interface; the tag keeps concurrent or
    // leftover runs apart.
    this.tag = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    this.subnet = ThreadLocalRandom.current().nextInt(1, 250);
    this.size = size;
  }

  /** True if a network namespace can be created here: tried once. */
  static boolean supported() {
    try (NodeNetwork probe = new NodeNetwork(0)) {
      probe.namespace(0);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Namespaces for nodes 1..size on a bridge of their own; closed on failure. */
  static NodeNetwork create(int size) throws IOException {
    NodeNetwork net = new NodeNetwork(size);
    try {
      net.bridge();
      for (int k = 1; k <= size; k++) {
        net.namespace(k);
        net.wire(k);
      }
      return net;
    } catch (IOException | RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /** The address node {@code k} (1-based) listens on. */
  String host(int k) {
    return "10.213." + subnet + "." + k;
  }

  /** The command prefix that starts a process inside node {@code k}'s namespace. */
  List<String> launcher(int k) {
    return List.of("ip", "netns", "exec", namespaceName(k));
  }

  /** Drops all traffic between node {@code k} and the other nodes, in both directions. */
  void cut(int k) throws IOException {
    routes(k, "add");
  }

  /** Undoes {@link #cut}. */
  void heal(int k) throws IOException {
    routes(k, "del");
  }

  /** True if {@link #cutPort} can work here: it needs iptables. */
  static boolean portCutsSupported() {
    try {
      Commands.run("iptables", "--version");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Drops every TCP packet node {@code k} sends to or receives on {@code port}, with any peer: one
   * protocol cut while the others still flow.
   */
  void cutPort(int k, int port) throws IOException {
    portRules(k, port, "-A");
  }

  /** Undoes {@link #cutPort}. */
  void healPort(int k, int port) throws IOException {
    portRules(k, port, "-D");
  }

  private void portRules(int k, int port, String verb) throws IOException {
    String p = Integer.toString(port);
    inNamespace(k, "iptables", verb, "INPUT", "-p", "tcp", "--dport", p, "-j", "DROP");
    inNamespace(k, "iptables", verb, "OUTPUT", "-p", "tcp", "--dport", p, "-j", "DROP");
  }

  private void routes(int k, String verb) throws IOException {
    for (int j = 1; j <= size; j++) {
      if (j != k) {
        inNamespace(k, "ip", "route", verb, "blackhole", host(j) + "/32");
        inNamespace(j, "ip", "route", verb, "blackhole", host(k) + "/32");
      }
    }
  }

  private void bridge() throws IOException {
    Commands.run("ip", "link", "add", bridgeName(), "type", "bridge");
    bridgeUp = true;
    Commands.run("ip", "addr", "add", "10.213." + subnet + ".254/24", "dev", bridgeName());
    Commands.run("ip", "link", "set", bridgeName(), "up");
  }

  private void namespace(int k) throws IOException {
    Commands.run("ip", "netns", "add", namespaceName(k));
    created.add(namespaceName(k));
    inNamespace(k, "ip", "link", "set", "lo", "up");
  }

  private void wire(int k) throws IOException {
    String outside = "esc" + tag + "h" + k;
    String inside = "esc" + tag + "n" + k;
    Commands.run("ip", "link", "add", outside, "type", "veth", "peer", "name", inside);
    Commands.run("ip", "link", "set", inside, "netns", namespaceName(k));
    Commands.run("ip", "link", "set", outside, "master", bridgeName());
    Commands.run("ip", "link", "set", outside, "up");
    inNamespace(k, "ip", "addr", "add", host(k) + "/24", "dev", inside);
    inNamespace(k, "ip", "link", "set", inside, "up");
  }

  private void inNamespace(int k, String... command) throws IOException {
    List<String> full = new ArrayList<>(launcher(k));
    full.addAll(List.of(command));
    Commands.run(full.toArray(String[]::new));
  }

  private String namespaceName(int k) {
    return "esc-" + tag + "-" + k;
  }

  private String bridgeName() {
    return "escb" + tag;
  }

  /** Deletes the namespaces (which takes their veth pairs along) and the bridge. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (String ns : created) {
      try {
        Commands.run("ip", "netns", "del", ns);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    created.clear();
    if (bridgeUp) {
      bridgeUp = false;
      try {
        Commands.run("ip", "link", "del", bridgeName());
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
