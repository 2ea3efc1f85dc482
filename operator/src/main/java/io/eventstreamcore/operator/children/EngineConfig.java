package io.eventstreamcore.operator.children;

import io.eventstreamcore.operator.RaftPeers;
import io.eventstreamcore.operator.crd.EventCluster;
import io.eventstreamcore.operator.crd.EventClusterSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

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

  public static ConfigMap desired(EventCluster ec) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(PROPERTIES, properties(ec));
    data.put(TOPIC_POLICIES, topicPolicies(ec.getSpec()));
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(Names.cluster(ec))
        .withNamespace(ec.getMetadata().getNamespace())
        .withLabels(Names.labels(ec))
        .endMetadata()
        .withData(data)
        .build();
  }

  /** The engine settings; node id and data dir come from the pod (environment). */
  static String properties(EventCluster ec) {
    EventClusterSpec s = ec.getSpec();
    Map<String, String> p = new LinkedHashMap<>();
    p.put(
        "esc.raft.peers",
        String.join(
            ",",
            RaftPeers.of(
                Names.cluster(ec),
                ec.getMetadata().getNamespace(),
                s.replicas,
                s.listeners.raftPort)));
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
    return p.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
  }

  static String topicPolicies(EventClusterSpec s) {
    return s.topicPriorities.entrySet().stream()
        .map(e -> e.getKey() + " = " + e.getValue())
        .collect(Collectors.joining("\n", "", s.topicPriorities.isEmpty() ? "" : "\n"));
  }
}
