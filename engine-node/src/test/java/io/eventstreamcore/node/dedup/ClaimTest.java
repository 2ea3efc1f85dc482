package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimTest {
  private static final long STALE_AFTER = 1_000;
  private static final DedupKey KEY = new DedupKey(5, 7);

  private static Map.Entry<Integer, IdBucket> bucketWith(long[] entry, long at) {
    IdBucket bucket = completeBucket();
    if (entry != null) {
      bucket.put(KEY.hi(), KEY.lo(), entry, limits(at));
    }
    return new SimpleEntry<>(0, bucket);
  }

  /** The leader that asks has written its records through this index. */
  private static final long WRITTEN_THROUGH = 20;

  private static IdBucket completeBucket() {
    IdBucket bucket = IdBucket.madeBy(limits(0));
    bucket.refilledThrough(WRITTEN_THROUGH);
    return bucket;
  }

  private static Claim claimOf(long term, long batch, long now, BucketedKeys keys) {
    return new Claim(
        new Claim.Request(term, batch, STALE_AFTER, WRITTEN_THROUGH), limits(now), keys);
  }

  private static IdBucket.Limits limits(long now) {
    return new IdBucket.Limits(now, 60_000, 1_000, 1);
  }

  /** The entry that kept the key from being claimed, or null if it was claimed. */
  private static long[] claim(Map.Entry<Integer, IdBucket> entry, long term, long batch, long now) {
    BucketedKeys keys = new BucketedKeys(List.of(KEY), null);
    long[] rows = claimOf(term, batch, now, keys).process(entry);
    return rows == null ? null : Claim.entryOf(rows, 0);
  }

  private static long[] now(Map.Entry<Integer, IdBucket> entry) {
    return entry.getValue().get(KEY.hi(), KEY.lo(), limits(0));
  }

  @Test
  void aNewIdIsClaimedForTheBatch() {
    Map.Entry<Integer, IdBucket> entry = bucketWith(null, 0);
    assertThat(claim(entry, 3, 7, 100)).isNull();
    assertThat(now(entry)).containsExactly(0, 3, 7, 100);
  }

  @Test
  void aBucketThatIsMissingOrNotRecordedThroughWhatTheLeaderWroteClaimsNothingAndAnswersUnknown() {
    Map.Entry<Integer, IdBucket> missing = new SimpleEntry<>(0, null);
    assertThat(claim(missing, 3, 7, 100)).isEqualTo(DedupEntry.unknown());
    assertThat(missing.getValue()).isNull();

    Map.Entry<Integer, IdBucket> incomplete = new SimpleEntry<>(0, IdBucket.madeBy(limits(0)));
    assertThat(claim(incomplete, 3, 7, 100)).isEqualTo(DedupEntry.unknown());
    assertThat(now(incomplete)).as("not claimed").isNull();

    Map.Entry<Integer, IdBucket> behind = new SimpleEntry<>(0, IdBucket.madeBy(limits(0)));
    behind.getValue().refilledThrough(WRITTEN_THROUGH - 1);
    behind.getValue().recorded(WRITTEN_THROUGH, WRITTEN_THROUGH + 5);
    assertThat(claim(behind, 3, 7, 100))
        .as("missed the write of the leader's entry " + WRITTEN_THROUGH)
        .isEqualTo(DedupEntry.unknown());
  }

  @Test
  void aStoredIdIsReturnedUnchanged() {
    Map.Entry<Integer, IdBucket> entry = bucketWith(DedupEntry.stored(42), 0);
    assertThat(claim(entry, 3, 7, 100)).containsExactly(1, 42);
    assertThat(now(entry)).containsExactly(1, 42);
  }

  @Test
  void aLiveClaimOfAnotherBatchIsReturnedUnchanged() {
    Map.Entry<Integer, IdBucket> entry = bucketWith(DedupEntry.claimed(3, 6, 100), 100);
    assertThat(claim(entry, 3, 7, 100 + STALE_AFTER - 1)).containsExactly(0, 3, 6, 100);
    assertThat(now(entry)).containsExactly(0, 3, 6, 100);
  }

  @Test
  void theSameBatchMayClaimAgain() {
    Map.Entry<Integer, IdBucket> entry = bucketWith(DedupEntry.claimed(3, 7, 100), 100);
    assertThat(claim(entry, 3, 7, 200)).isNull();
  }

  @Test
  void aClaimOfAnEarlierTermOrTooOldIsTakenOver() {
    Map.Entry<Integer, IdBucket> earlierTerm = bucketWith(DedupEntry.claimed(2, 6, 100), 100);
    assertThat(claim(earlierTerm, 3, 7, 101)).isNull();
    assertThat(now(earlierTerm)).containsExactly(0, 3, 7, 101);

    Map.Entry<Integer, IdBucket> stale = bucketWith(DedupEntry.claimed(3, 6, 100), 100);
    assertThat(claim(stale, 3, 7, 100 + STALE_AFTER)).isNull();
    assertThat(now(stale)).containsExactly(0, 3, 7, 100 + STALE_AFTER);
  }

  @Test
  void eachBucketAnswersOnlyForItsOwnKeys() {
    DedupKey inBucket0 = new DedupKey(0, 1);
    DedupKey claimedInBucket1 = new DedupKey(1L << 58, 1);
    DedupKey storedInBucket1 = new DedupKey(1L << 58, 3);
    BucketedKeys keys =
        new BucketedKeys(List.of(storedInBucket1, inBucket0, claimedInBucket1), null);
    IdBucket one = completeBucket();
    one.put(storedInBucket1.hi(), storedInBucket1.lo(), DedupEntry.stored(9), limits(0));

    long[] rows = claimOf(3, 7, 10, keys).process(new SimpleEntry<>(1, one));

    assertThat(rows).as("one row: the stored key").hasSize(Claim.ROW);
    assertThat(keys.key((int) rows[0])).isEqualTo(storedInBucket1);
    assertThat(Claim.entryOf(rows, 0)).containsExactly(1, 9);
    assertThat(one.get(claimedInBucket1.hi(), claimedInBucket1.lo(), limits(10)))
        .containsExactly(0, 3, 7, 10);
    assertThat(one.get(inBucket0.hi(), inBucket0.lo(), limits(10)))
        .as("bucket 0's to claim")
        .isNull();
  }
}
