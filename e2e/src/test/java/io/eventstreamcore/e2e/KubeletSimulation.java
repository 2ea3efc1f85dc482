package io.eventstreamcore.e2e;

import io.eventstreamcore.cli.local.LocalCluster;
import io.eventstreamcore.cli.local.LocalNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A simulation, not Kubernetes: a test-only stand-in for the StatefulSet controller and the
 * kubelet, so the operator's decisions can be tested against real engine processes. For the
 * StatefulSet in the mock API server it keeps one Pod object and one engine process per replica
 * (ports on 127.0.0.1 by ordinal), mirrors each engine's readiness into its Pod, restarts the
 * engine when its Pod is deleted (on the pod template's current revision), and stops surplus ones,
 * deleting their data as a removed volume would be. Each pod has a PersistentVolumeClaim {@code
 * data-<pod>}: a pod created without one starts on an empty data directory. An engine that exits on
 * its own is restarted, as a container is, with its termination message in the Pod's status.
 */
final class KubeletSimulation implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(KubeletSimulation.class.getName());
  private static final String REVISION = "controller-revision-hash";

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final Path dir;
  private final int basePort;
  private final Map<Integer, LocalNode> engines = new ConcurrentHashMap<>();
  private final Set<Integer> crashLooping = ConcurrentHashMap.newKeySet();
  private final Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  KubeletSimulation(
      KubernetesClient client, String namespace, String name, Path dir, int basePort) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.dir = dir;
    this.basePort = basePort;
  }

  KubeletSimulation start() {
    loop.scheduleWithFixedDelay(this::stepQuietly, 0, 250, TimeUnit.MILLISECONDS);
    return this;
  }

  String pod(int ordinal) {
    return name + "-" + ordinal;
  }

  int clientPort(int ordinal) {
    return basePort + ordinal;
  }

  int httpPort(int ordinal) {
    return clientPort(ordinal) + LocalCluster.HTTP_OFFSET;
  }

  int raftPort(int ordinal) {
    return clientPort(ordinal) + LocalCluster.RAFT_OFFSET;
  }

  /**
   * Kills the pod's engine with kill -9 and keeps it down, as a container that crashes on every
   * start would be, until the pod is deleted and created again.
   */
  void crashLoop(int ordinal) throws InterruptedException {
    crashLooping.add(ordinal);
    engines.get(ordinal).kill();
  }

  /**
   * Kills the pod's engine with kill -9 and flips bytes in its Raft log, as a failing disk would;
   * the restarted engine finds its storage unreadable.
   */
  void corruptStorage(int ordinal) throws IOException, InterruptedException {
    engines.get(ordinal).kill();
    Path raft = dir.resolve(pod(ordinal)).resolve("raft");
    // Preferably a closed segment: all of it is entries, so the flipped bytes land inside one.
    Comparator<Path> closedThenLargest =
        Comparator.comparing((Path f) -> f.getFileName().toString().matches("log_\\d+-\\d+"))
            .thenComparingLong(KubeletSimulation::size);
    Path segment;
    try (Stream<Path> files = Files.walk(raft)) {
      segment =
          files
              .filter(f -> f.getFileName().toString().startsWith("log_"))
              .max(closedThenLargest)
              .orElseThrow();
    }
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}), 300);
    }
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }

  private Path terminationLog(int ordinal) {
    return dir.resolve(pod(ordinal) + ".termination-log");
  }

  private void stepQuietly() {
    try {
      step();
    } catch (Exception e) {
      LOG.warning("simulation step failed: " + e);
    }
  }

  private void step() throws IOException, InterruptedException {
    StatefulSet sts = client.apps().statefulSets().inNamespace(namespace).withName(name).get();
    ConfigMap config = client.configMaps().inNamespace(namespace).withName(name).get();
    if (sts == null || config == null) {
      return;
    }
    int replicas = sts.getSpec().getReplicas();
    String revision =
        Integer.toHexString(Serialization.asJson(sts.getSpec().getTemplate()).hashCode());
    int ready = 0;
    int updated = 0;
    for (int i = 0; i < replicas; i++) {
      Pod pod = client.pods().inNamespace(namespace).withName(pod(i)).get();
      LocalNode engine = engines.get(i);
      if (pod == null) {
        if (engine != null) {
          engine.stop();
        }
        crashLooping.remove(i);
        createPod(i, revision);
        if (claimCreated(i)) {
          Nodes.deleteTree(dir.resolve(pod(i)));
        }
        engines.put(i, start(i, replicas, config));
        continue;
      }
      if (engine != null && !engine.isRunning() && !crashLooping.contains(i)) {
        restartExited(i, pod, engine);
      }
      boolean engineReady = engine != null && !crashLooping.contains(i) && engine.ready();
      markReady(pod, engineReady);
      ready += engineReady ? 1 : 0;
      updated += revision.equals(pod.getMetadata().getLabels().get(REVISION)) ? 1 : 0;
    }
    for (int i : List.copyOf(engines.keySet())) {
      if (i >= replicas) {
        engines.remove(i).kill();
        client.pods().inNamespace(namespace).withName(pod(i)).delete();
      }
    }
    int readyNow = ready;
    int updatedNow = updated;
    client
        .apps()
        .statefulSets()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            s -> {
              s.setStatus(
                  new StatefulSetStatusBuilder()
                      .withReplicas(replicas)
                      .withReadyReplicas(readyNow)
                      .withUpdatedReplicas(updatedNow)
                      .withUpdateRevision(revision)
                      .withObservedGeneration(s.getMetadata().getGeneration())
                      .build());
              return s;
            });
  }

  /** Like the kubelet: restarts an exited container, after a pause, reporting how it ended. */
  private void restartExited(int ordinal, Pod pod, LocalNode engine) throws IOException {
    if (System.nanoTime() - startedAt.getOrDefault(ordinal, 0L) < 3_000_000_000L) {
      return;
    }
    String message =
        Files.exists(terminationLog(ordinal)) ? Files.readString(terminationLog(ordinal)) : "";
    editStatus(
        pod,
        p -> {
          int restarts =
              p.getStatus().getContainerStatuses() == null
                      || p.getStatus().getContainerStatuses().isEmpty()
                  ? 0
                  : p.getStatus().getContainerStatuses().get(0).getRestartCount();
          p.getStatus()
              .setContainerStatuses(
                  List.of(
                      new ContainerStatusBuilder()
                          .withName("engine")
                          .withRestartCount(restarts + 1)
                          .withNewLastState()
                          .withNewTerminated()
                          .withExitCode(1)
                          .withMessage(message)
                          .endTerminated()
                          .endLastState()
                          .build()));
          return p;
        });
    launch(ordinal, engine);
  }

  private void editStatus(Pod pod, UnaryOperator<Pod> edit) {
    client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).editStatus(edit);
  }

  /** The StatefulSet controller's part: a pod's claim is created with it if it is missing. */
  private boolean claimCreated(int ordinal) {
    String claim = "data-" + pod(ordinal);
    if (client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get() != null) {
      return false;
    }
    client
        .persistentVolumeClaims()
        .inNamespace(namespace)
        .resource(
            new PersistentVolumeClaimBuilder()
                .withNewMetadata()
                .withName(claim)
                .withNamespace(namespace)
                .endMetadata()
                .build())
        .create();
    return true;
  }

  private void launch(int ordinal, LocalNode engine) throws IOException {
    Files.writeString(terminationLog(ordinal), "");
    startedAt.put(ordinal, System.nanoTime());
    engine.start();
  }

  private void createPod(int ordinal, String revision) {
    client
        .pods()
        .inNamespace(namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(pod(ordinal))
                .withNamespace(namespace)
                .addToLabels("app.kubernetes.io/name", "eventstreamcore-engine")
                .addToLabels("app.kubernetes.io/instance", name)
                .addToLabels(REVISION, revision)
                .endMetadata()
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("False")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  private void markReady(Pod pod, boolean ready) {
    String wanted = ready ? "True" : "False";
    if (pod.getStatus().getConditions().get(0).getStatus().equals(wanted)) {
      return;
    }
    editStatus(
        pod,
        p -> {
          p.getStatus().getConditions().get(0).setStatus(wanted);
          return p;
        });
  }

  /**
   * The engine as the pod would run it: the ConfigMap's settings, loopback addresses. The TLS and
   * authentication settings of a secured cluster are left out: the certificate the operator made
   * names the pods' DNS names, and here every engine is 127.0.0.1 (K3sClusterIT runs them as they
   * are; SecureClusterIT runs secured engines on loopback with certificates for it).
   */
  private LocalNode start(int ordinal, int replicas, ConfigMap config) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(config.getData().get("engine.properties")));
    List<String> peers = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      peers.add(LocalNode.peerEntry(pod(i), "127.0.0.1", raftPort(i), clientPort(i), httpPort(i)));
    }
    List<String> settings = new ArrayList<>();
    for (String key :
        List.of(
            "esc.raft.bootstrap-members",
            "esc.raft.cluster-name",
            "esc.raft.election-timeout-min",
            "esc.raft.election-timeout-max",
            "esc.batch.max-events",
            "esc.batch.linger",
            "esc.dedup.enabled",
            "esc.dedup.window")) {
      settings.add(key + "=" + p.getProperty(key));
    }
    settings.add("esc.node.termination-log=" + terminationLog(ordinal));
    LocalNode engine =
        new LocalNode(
            new LocalNode.Spec(
                pod(ordinal),
                dir.resolve(pod(ordinal)),
                "127.0.0.1",
                clientPort(ordinal),
                httpPort(ordinal),
                raftPort(ordinal),
                peers,
                settings),
            LocalNode.defaultNodeJar());
    launch(ordinal, engine);
    return engine;
  }

  /**
   * A pod's HTTP base URL (its DNS name in the cluster) as this simulation serves it: plain HTTP
   * even for a secured cluster, whose engines run here without TLS (their certificates name the
   * pods' DNS names, which loopback addresses are not), see {@link #start}.
   */
  String loopbackUrl(String podUrl) {
    String host = podUrl.substring(podUrl.indexOf("://") + 3, podUrl.indexOf('.'));
    return "http://127.0.0.1:"
        + httpPort(Integer.parseInt(host.substring(host.lastIndexOf('-') + 1)));
  }

  String loopbackPeer(String peer) {
    String id = peer.substring(0, peer.indexOf('='));
    int ordinal = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
    return LocalNode.peerEntry(
        id, "127.0.0.1", raftPort(ordinal), clientPort(ordinal), httpPort(ordinal));
  }

  @Override
  public void close() throws InterruptedException {
    loop.shutdownNow();
    loop.awaitTermination(5, TimeUnit.SECONDS);
    for (LocalNode n : engines.values()) {
      n.kill();
    }
  }
}
