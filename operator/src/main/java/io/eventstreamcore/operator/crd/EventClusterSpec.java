package io.eventstreamcore.operator.crd;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the user asks for; every field has a default, so {@code spec: {}} is a valid cluster. */
@ValidationRule(
    value = "self.replicas % 2 == 1",
    message = "replicas must be odd, so that a quorum is a strict majority")
@ValidationRule(
    value =
        "self.replicas == 1 || !has(self.disruptionBudget)"
            + " || !has(self.disruptionBudget.enabled) || !self.disruptionBudget.enabled"
            + " || !has(self.disruptionBudget.maxUnavailable)"
            + " || self.disruptionBudget.maxUnavailable <= self.replicas / 2",
    message = "disruptionBudget.maxUnavailable must leave a quorum: at most replicas / 2")
public class EventClusterSpec {
  /** A duration as the engine reads it: 150ms, 10s, 5m, 2h. */
  public static final String DURATION = "^[0-9]+(ms|s|m|h|d)$";

  /** The most topic policies a cluster has: the API server prices a rule by its bounds. */
  public static final int MAX_TOPIC_POLICIES = 1000;

  /** A Kubernetes quantity such as 10Gi or 500M. */
  public static final String QUANTITY = "^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$";

  @JsonPropertyDescription("Engine nodes (Raft voters): odd, 1 to 7")
  @SpecReplicas
  @Min(1)
  @Max(7)
  @Default("3")
  public int replicas = 3;

  @JsonPropertyDescription("Engine container image")
  @Default("eventstreamcore/engine-node:0.1.0")
  public String image = "eventstreamcore/engine-node:0.1.0";

  @JsonPropertyDescription(
      "CPU and memory of each engine container. The engine's heap is 40 % of its memory limit"
          + " (-XX:MaxRAMPercentage=40 in the image); the JVM needs about 250 MB besides")
  @Default(
      "{\"requests\": {\"cpu\": \"500m\", \"memory\": \"640Mi\"},"
          + " \"limits\": {\"memory\": \"640Mi\"}}")
  public ResourceRequirements resources =
      new ResourceRequirementsBuilder()
          .addToRequests("cpu", new Quantity("500m"))
          .addToRequests("memory", new Quantity("640Mi"))
          .addToLimits("memory", new Quantity("640Mi"))
          .build();

  @JsonPropertyDescription(
      "DNS domain of the Kubernetes cluster, for the engines' fully qualified peer names")
  @Default("cluster.local")
  public String clusterDomain = "cluster.local";

  /**
   * The collector settings `esc cluster up` gives its nodes: G1 aiming at 5 ms pauses (ADR 0032),
   * with at least a quarter of the heap young (ADR 0037).
   */
  static final String DEFAULT_JVM_OPTIONS =
      "-XX:+UseG1GC -XX:MaxGCPauseMillis=5 -XX:+UnlockExperimentalVMOptions"
          + " -XX:G1NewSizePercent=25";

  @JsonPropertyDescription(
      "JVM options of the engine, on top of the image's own (passed as JAVA_TOOL_OPTIONS)")
  @Default(DEFAULT_JVM_OPTIONS)
  public String jvmOptions = DEFAULT_JVM_OPTIONS;

  // default {} on each nested object: an API server applies a field's defaults only inside an
  // object that is there, so without it `spec: {}` would get none of them.
  @Default("{}")
  public Storage storage = new Storage();

  @Default("{}")
  public Raft raft = new Raft();

  @Default("{}")
  public Security security = new Security();

  @Default("{}")
  public Batching batching = new Batching();

  @Default("{}")
  public Dedup dedup = new Dedup();

  @Default("{}")
  public Listeners listeners = new Listeners();

  @JsonPropertyDescription(
      "Topic policies: topic or prefix* -> 'PRIORITY' or 'PRIORITY dead-letter'; engines reload"
          + " them without restart")
  @ValidationRule(
      value = "self.all(k, self[k].matches('^(CRITICAL|HIGH|MEDIUM|LOW|BATCH)( dead-letter)?$'))",
      message =
          "each topic priority is CRITICAL, HIGH, MEDIUM, LOW or BATCH, optionally"
              + " followed by ' dead-letter'")
  @Size(max = MAX_TOPIC_POLICIES)
  public Map<String, @Size(max = 32) String> topicPriorities = new LinkedHashMap<>();

  @Default("{}")
  public PodTemplate podTemplate = new PodTemplate();

  @Default("{}")
  public DisruptionBudget disruptionBudget = new DisruptionBudget();

  @Default("{}")
  public Recovery recovery = new Recovery();

  /** When the operator replaces a failed member on its own. */
  public static class Recovery {
    @JsonPropertyDescription(
        "A member unhealthy (not ready, or behind / silent in the leader's view) this long without"
            + " progress (its match index not moving) has its pod replaced, one member at a time"
            + " and only while the others keep a quorum")
    @Pattern(DURATION)
    @Default("3m")
    public String unhealthyAfter = "3m";
  }

  /** Volumes of the engine pods. */
  public static class Storage {
    @JsonPropertyDescription("Size of each engine's volume")
    @Pattern(QUANTITY)
    @Default("10Gi")
    public String size = "10Gi";

    @JsonPropertyDescription("Storage class; the cluster default when empty")
    public String storageClass;

    @JsonPropertyDescription("Delete a removed member's volume on scale-down (Delete) or keep it")
    @Default("Delete")
    public VolumePolicy onScaleDown = VolumePolicy.Delete;

    @JsonPropertyDescription("Delete the volumes with the EventCluster (Delete) or keep them")
    @Default("Retain")
    public VolumePolicy onDelete = VolumePolicy.Retain;
  }

  /** What happens to a volume whose member goes away. */
  public enum VolumePolicy {
    Retain,
    Delete
  }

  /** Raft timing; see docs/operations.md, "Failover and its settings". */
  public static class Raft {
    @Pattern(DURATION)
    @Default("150ms")
    public String electionTimeoutMin = "150ms";

    @Pattern(DURATION)
    @Default("300ms")
    public String electionTimeoutMax = "300ms";

    @JsonPropertyDescription("Log entries between snapshots")
    @Min(100)
    @Default("20000")
    public long snapshotThreshold = 20000;
  }

  /** How the leader batches events into Raft entries. */
  public static class Batching {
    @Min(1)
    @Max(4096)
    @Default("64")
    public int maxEvents = 64;

    @Pattern(DURATION)
    @Default("1ms")
    public String linger = "1ms";
  }

  /** The Hazelcast dedup table. */
  public static class Dedup {
    @Default("true")
    public boolean enabled = true;

    @JsonPropertyDescription("How long a stored event id is remembered")
    @Pattern(DURATION)
    @Default("5m")
    public String window = "5m";
  }

  /** Ports and the client Service. */
  public static class Listeners {
    @Min(1)
    @Max(65535)
    @Default("7070")
    public int clientPort = 7070;

    @Min(1)
    @Max(65535)
    @Default("8080")
    public int httpPort = 8080;

    @Min(1)
    @Max(65535)
    @Default("9870")
    public int raftPort = 9870;

    @JsonPropertyDescription("Type of the client Service")
    @Default("ClusterIP")
    public ServiceType serviceType = ServiceType.ClusterIP;

    @JsonPropertyDescription(
        "Whether the client Service also carries the HTTP port (admin API, dashboard); off by"
            + " default, so clients reach the binary protocol only")
    @Default("false")
    public boolean exposeHttp = false;
  }

  /** TLS and authentication of a cluster; docs/operations.md, Security. */
  public static class Security {
    @JsonPropertyDescription(
        "TLS on every channel, mutual TLS between members, and authentication of every client;"
            + " the operator makes the cluster's CA, certificates and first admin credential in"
            + " Secrets and renews the certificates before they expire")
    @Default("true")
    public boolean enabled = true;
  }

  /** When the kubelet pulls the engine image. */
  public enum PullPolicy {
    Always,
    IfNotPresent,
    Never
  }

  /** Kubernetes Service types the client Service may have. */
  public enum ServiceType {
    ClusterIP,
    NodePort,
    LoadBalancer
  }

  /** Additions to the engine pods. */
  public static class PodTemplate {
    @JsonPropertyDescription("Pull policy of the engine image; Kubernetes's default when unset")
    public PullPolicy imagePullPolicy;

    @JsonPropertyDescription("Secrets to pull the engine image from a private registry")
    public List<LocalObjectReference> imagePullSecrets = List.of();

    @JsonPropertyDescription("PriorityClass of the engine pods")
    public String priorityClassName;

    @JsonPropertyDescription("Extra environment variables of the engine container")
    public List<EnvVar> env = List.of();

    @JsonPropertyDescription(
        "Leave the user and fsGroup ids to the platform (OpenShift's restricted SCC assigns them"
            + " per namespace and refuses others); otherwise the engine runs as uid and fsGroup 185,"
            + " the image's user")
    @Default("false")
    public boolean platformAssignsUser;

    public Map<String, String> labels = new LinkedHashMap<>();
    public Map<String, String> annotations = new LinkedHashMap<>();
    public Map<String, String> nodeSelector = new LinkedHashMap<>();
    public List<Toleration> tolerations = List.of();
    public Affinity affinity;
    public List<TopologySpreadConstraint> topologySpreadConstraints = List.of();
  }

  /** The PodDisruptionBudget; by default voluntary evictions never break the quorum. */
  public static class DisruptionBudget {
    @JsonPropertyDescription("Create the PodDisruptionBudget")
    @Default("true")
    public boolean enabled = true;

    @JsonPropertyDescription("Pods that may be down at once (at most replicas minus a quorum)")
    @Min(1)
    @Default("1")
    public int maxUnavailable = 1;
  }
}
