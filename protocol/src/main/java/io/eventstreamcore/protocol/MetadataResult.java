package io.eventstreamcore.protocol;

import java.util.ArrayList;
import java.util.List;

/** Who this node is, whom it believes to lead, and where every member can be reached. */
public record MetadataResult(
    String nodeId,
    NodeRole role,
    String leaderId,
    long term,
    long commitIndex,
    List<Member> members) {

  public record Member(String nodeId, String clientEndpoint, String httpEndpoint) {}

  public void write(WireWriter w) {
    w.str16(nodeId).u8(role.ordinal()).str16(leaderId).i64(term).i64(commitIndex);
    w.u16(members.size());
    for (Member m : members) {
      w.str16(m.nodeId()).str16(m.clientEndpoint()).str16(m.httpEndpoint());
    }
  }

  public static MetadataResult read(WireReader r) {
    String nodeId = r.str16("node id");
    NodeRole role = NodeRole.fromCode(r.u8("role"));
    String leader = r.str16("leader id");
    long term = r.i64("term");
    long commit = r.i64("commit index");
    int n = r.u16("member count");
    List<Member> members = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      members.add(new Member(r.str16("member id"), r.str16("client"), r.str16("http")));
    }
    return new MetadataResult(nodeId, role, leader, term, commit, members);
  }

  public Member leader() {
    return members.stream().filter(m -> m.nodeId().equals(leaderId)).findFirst().orElse(null);
  }
}
