package io.eventstreamcore.operator.children;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RaftPeersTest {
  @Test
  void peerListFollowsStatefulSetDnsNames() {
    assertThat(RaftPeers.of("events", "prod", 3, 9870))
        .containsExactly(
            "events-0=events-0.events-peers.prod.svc:9870",
            "events-1=events-1.events-peers.prod.svc:9870",
            "events-2=events-2.events-peers.prod.svc:9870");
  }

  @Test
  void emptyOrOversizedGroupsAreRefused() {
    for (int bad : new int[] {0, 8}) {
      assertThatThrownBy(() -> RaftPeers.of("e", "ns", bad, 9870))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("1..7");
    }
  }

  @Test
  void aJoiningMemberIsNamedWithAllItsPorts() {
    assertThat(RaftPeers.peer("events", "prod", 3, 9870, 7070, 8080))
        .isEqualTo("events-3=events-3.events-peers.prod.svc:9870:7070:8080");
  }
}
