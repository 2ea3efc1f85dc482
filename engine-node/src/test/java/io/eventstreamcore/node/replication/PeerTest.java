package io.eventstreamcore.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.ratis.protocol.RaftPeer;
import org.junit.jupiter.api.Test;

class PeerTest {
  @Test
  void parsesShortAndFullEntries() {
    assertThat(Peer.parse("n1=10.0.0.5:9870", 7070, 8080))
        .isEqualTo(new Peer("n1", "10.0.0.5", 9870, 7070, 8080));
    Peer full = Peer.parse("n2=127.0.0.1:9871:7071:8081", 7070, 8080);
    assertThat(full.clientEndpoint()).isEqualTo("127.0.0.1:7071");
    assertThat(full.httpEndpoint()).isEqualTo("http://127.0.0.1:8081");
    assertThat(full.raftAddress()).isEqualTo("127.0.0.1:9871");
  }

  @Test
  void travelsThroughTheRaftConfigurationWithAllEndpoints() {
    Peer p = Peer.parse("n4=10.0.0.7:9873:7073:8083", 7070, 8080);
    assertThat(Peer.of(p.toRaftPeer(), 1, 2)).isEqualTo(p);
    RaftPeer bare = RaftPeer.newBuilder().setId("n5").setAddress("h:9874").build();
    assertThat(Peer.of(bare, 7070, 8080)).isEqualTo(new Peer("n5", "h", 9874, 7070, 8080));
  }

  @Test
  void badEntriesSayWhatTheFormatIs() {
    for (String bad : List.of("n1", "=h:1", "n1=host", "n1=h:x", "n1=h:1:2:3:4", "n1=h:70000")) {
      assertThatThrownBy(() -> Peer.parse(bad, 1, 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              bad.contains("x") || bad.contains("70000") ? "port" : "id=host:raft-port");
    }
  }

  @Test
  void listMustContainThisNodeOnceEach() {
    assertThatThrownBy(() -> Peer.parseAll(List.of("a=h:1", "a=h:2"), "a", 1, 2))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> Peer.parseAll(List.of("a=h:1"), "b", 1, 2))
        .hasMessageContaining("'b' is not in");
    assertThat(Peer.parseAll(List.of("a=h:1", "b=h:2", "c=h:3"), "b", 1, 2)).hasSize(3);
  }
}
