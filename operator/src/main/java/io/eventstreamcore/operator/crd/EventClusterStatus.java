package io.eventstreamcore.operator.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator saw, from Kubernetes and from the engines' own admin API. It is patched as a
 * JSON patch against the status the operator last read, so every field the operator compares must
 * exist on the server: the resource starts without a status (no default one), and zeros and falses
 * are written out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EventClusterStatus {
  public Long observedGeneration;

  /** Creating, Running, Degraded or Unavailable (no quorum). */
  public String phase;

  /** Ready, Available (quorum present), Progressing, Degraded. */
  public List<Condition> conditions = new ArrayList<>();

  /** The members that founded the Raft group (pods 0 .. n-1); later pods join as learners. */
  public Integer bootstrapReplicas;

  /**
   * True once the operator has seen the group with a leader. From then on an engine whose storage
   * is empty never founds the group again (esc.raft.formed): it lost its log, and is replaced.
   */
  public Boolean raftFormed;

  @StatusReplicas public int replicas;

  /** The engine pods' label selector, for {@code kubectl scale} and autoscalers. */
  @LabelSelector public String selector;

  public int readyReplicas;

  public String leader;
  public Long term;
  public Long commitIndex;

  public List<MemberStatus> members = new ArrayList<>();

  public Failover lastFailover;

  public String lastRecoveryAction;

  /** {@code host:port} of the client Service for the binary protocol, and its HTTP URL. */
  public List<String> clientEndpoints = new ArrayList<>();

  /** One Raft member as the leader reports it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class MemberStatus {
    public String pod;
    public String nodeId;
    public String role;
    public Long matchIndex;
    public Long lag;
    public boolean healthy;
    public Long lastContactMs;

    /** When the operator first saw this member unhealthy; null while it is healthy. */
    public String unhealthySince;
  }

  /** A change of leader the operator observed. */
  public static class Failover {
    public String time;
    public String from;
    public String to;
  }
}
