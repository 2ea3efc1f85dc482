package io.eventstreamcore.operator.engine;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** {@code GET /api/v1/cluster} of an engine; match index, lag and contact only from the leader. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ClusterView(
    String self, String role, String leader, long term, long commitIndex, List<Member> members) {

  public boolean fromLeader() {
    return "LEADER".equals(role);
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Member(
      String id, String role, String httpEndpoint, Long matchIndex, Long lag, Long lastContactMs) {}
}
