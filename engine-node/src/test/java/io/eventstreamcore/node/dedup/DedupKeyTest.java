package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class DedupKeyTest {
  @Test
  void isTheSha256OfTopicNulAndIdSoEveryNodeVersionAgrees() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    ByteBuffer digest =
        ByteBuffer.wrap(sha.digest("orders\0id-1".getBytes(StandardCharsets.US_ASCII)));

    assertThat(DedupKey.of(DedupTableTest.event("orders", "id-1")))
        .isEqualTo(new DedupKey(digest.getLong(), digest.getLong() | 1));
  }

  @Test
  void theSameIdOnAnotherTopicIsAnotherKey() {
    assertThat(DedupKey.of(DedupTableTest.event("orders", "x")))
        .isNotEqualTo(DedupKey.of(DedupTableTest.event("orders2", "x")))
        .isNotEqualTo(DedupKey.of(DedupTableTest.event("order", "sx")));
  }

  @Test
  void readsTheEventWithoutMovingIt() {
    ByteBuffer event = DedupTableTest.event("orders", "id-1");
    int position = event.position();

    DedupKey.of(event);

    assertThat(event.position()).isEqualTo(position);
  }
}
