package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap.SimpleEntry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimTest {
  private static final long STALE_AFTER = 1_000;

  private static long[] claim(Map.Entry<String, long[]> entry, long term, long batch, long now) {
    return new Claim(term, batch, now, STALE_AFTER).process(entry);
  }

  @Test
  void aNewIdIsClaimedForTheBatch() {
    Map.Entry<String, long[]> entry = new SimpleEntry<>("t\0a", null);
    assertThat(claim(entry, 3, 7, 100)).isNull();
    assertThat(entry.getValue()).containsExactly(0, 3, 7, 100);
  }

  @Test
  void aStoredIdIsReturnedUnchanged() {
    long[] stored = DedupEntry.stored(42);
    Map.Entry<String, long[]> entry = new SimpleEntry<>("t\0a", stored);
    assertThat(claim(entry, 3, 7, 100)).isSameAs(stored);
    assertThat(entry.getValue()).isSameAs(stored);
  }

  @Test
  void aLiveClaimOfAnotherBatchIsReturnedUnchanged() {
    long[] other = DedupEntry.claimed(3, 6, 100);
    Map.Entry<String, long[]> entry = new SimpleEntry<>("t\0a", other);
    assertThat(claim(entry, 3, 7, 100 + STALE_AFTER - 1)).isSameAs(other);
    assertThat(entry.getValue()).isSameAs(other);
  }

  @Test
  void theSameBatchMayClaimAgain() {
    Map.Entry<String, long[]> entry = new SimpleEntry<>("t\0a", DedupEntry.claimed(3, 7, 100));
    assertThat(claim(entry, 3, 7, 200)).isNull();
  }

  @Test
  void aClaimOfAnEarlierTermOrTooOldIsTakenOver() {
    Map.Entry<String, long[]> earlierTerm =
        new SimpleEntry<>("t\0a", DedupEntry.claimed(2, 6, 100));
    assertThat(claim(earlierTerm, 3, 7, 101)).isNull();
    assertThat(earlierTerm.getValue()).containsExactly(0, 3, 7, 101);

    Map.Entry<String, long[]> stale = new SimpleEntry<>("t\0a", DedupEntry.claimed(3, 6, 100));
    assertThat(claim(stale, 3, 7, 100 + STALE_AFTER)).isNull();
    assertThat(stale.getValue()).containsExactly(0, 3, 7, 100 + STALE_AFTER);
  }
}
