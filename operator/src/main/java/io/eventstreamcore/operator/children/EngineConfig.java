package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The ConfigMap mounted into every engine pod: {@code engine.properties} (the engine's settings; a
 * change needs a restart) and {@code topic-policies} (reloaded by the engines while running).
 */
public final class EngineConfig {
  public static final String MOUNT = "/etc/eventstreamcore";
  public static final String PROPERTIES = "engine.properties";
  public static final String TOPIC_POLICIES = "topic-policies";
  public static final String DATA_DIR = "/var/lib/eventstreamcore";

  private EngineConfig() {}

  /** The property that lists every pod; it matters only to a node's first start. */
  static final String PEERS = "esc.raft.peers";

  /** Set once the group has formed; it matters only to a start on empty storage. */
  static final String FORMED = "esc.raft.formed";

  /**
   * @param bootstrapReplicas the pods that founded the group; the others join as learners
   */
  public static ConfigMap desired(EventCluster ec, int bootstrapReplicas) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PROPERTIES, properties(ec, bootstrapReplicas));
    data.put(TOPIC_POLICIES, topicPolicies(ec.getSpec()));
    return new ConfigMapBuilder()
        .withMetadata(Names.metadata(ec, Names.cluster(ec)))
        .withData(data)
        .build();
  }

  /** The engine settings; node id and data dir come from the pod (environment). */
  static String properties(EventCluster ec, int bootstrapReplicas) {
    EventClusterSpec s = ec.getSpec();
    Map<String, String> p = new LinkedHashMap<>();
    p.put(
        PEERS,
        String.join(
            ",",
            RaftPeers.of(
                Names.cluster(ec),
                ec.getMetadata().getNamespace(),
                s.replicas,
                s.listeners.raftPort)));
    p.put(
        "esc.raft.bootstrap-members",
        String.join(
            ",",
            IntStream.range(0, bootstrapReplicas)
                .mapToObj(i -> RaftPeers.nodeId(Names.cluster(ec), i))
                .toList()));
    p.put("esc.raft.cluster-name", ec.getMetadata().getNamespace() + "-" + Names.cluster(ec));
    p.put("esc.raft.election-timeout-min", s.raft.electionTimeoutMin);
    p.put("esc.raft.election-timeout-max", s.raft.electionTimeoutMax);
    p.put("esc.raft.snapshot-threshold", Long.toString(s.raft.snapshotThreshold));
    p.put("esc.node.client-port", Integer.toString(s.listeners.clientPort));
    p.put("quarkus.http.port", Integer.toString(s.listeners.httpPort));
    p.put("esc.batch.max-events", Integer.toString(s.batching.maxEvents));
    p.put("esc.batch.linger", s.batching.linger);
    p.put("esc.dedup.enabled", Boolean.toString(s.dedup.enabled));
    p.put("esc.dedup.window", s.dedup.window);
    p.put("esc.dedup.kubernetes-service-dns", Names.peersDns(ec));
    p.put("esc.pipeline.topic-policy-file", MOUNT + "/" + TOPIC_POLICIES);
    if (s.security.enabled) {
      new java.util.TreeMap<>(EngineSecrets.engineProperties()).forEach(p::put);
    }
    if (ec.getStatus() != null && Boolean.TRUE.equals(ec.getStatus().raftFormed)) {
      p.put(FORMED, "true");
    }
    return p.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /**
   * What a running engine must be restarted for: every setting but the peer list, which a member
   * reads only on its first start (later ones come from the Raft log), and whether the group has
   * formed, which matters only to a start on empty storage.
   */
  public static String restartRelevant(ConfigMap config) {
    return config
        .getData()
        .get(PROPERTIES)
        .lines()
        .filter(l -> !l.startsWith(PEERS + "=") && !l.startsWith(FORMED + "="))
        .collect(Collectors.joining("\n"));
  }

  static String topicPolicies(EventClusterSpec s) {
    return s.topicPriorities.entrySet().stream()
        .map(e -> e.getKey() + " = " + e.getValue())
        .collect(Collectors.joining("\n", "", s.topicPriorities.isEmpty() ? "" : "\n"));
  }
}
