package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ClaimGroupsTest {
  private record Call(
      List<DedupKey> keys,
      long term,
      long claimId,
      CompletableFuture<Map<DedupKey, long[]>> answer) {}

  private final List<Call> calls = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final ClaimGroups groups =
      new ClaimGroups(
          (keys, term, claimId) -> {
            Call c = new Call(keys, term, claimId, new CompletableFuture<>());
            calls.add(c);
            return c.answer();
          },
          60_000,
          new DedupMetrics(meters));

  private static DedupKey key(String id) {
    return DedupKey.of(DedupTableTest.event("t", id));
  }

  @Test
  void aClaimGoesAtOnceWhenNoneIsOut() {
    CompletableFuture<Map<DedupKey, long[]>> a = groups.claim(1, 100, List.of(key("a")));

    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).keys()).containsExactly(key("a"));
    assertThat(calls.get(0).claimId()).isEqualTo(100);
    calls.get(0).answer().complete(Map.of());
    assertThat(a.join()).isEmpty();
  }

  @Test
  void batchesFormedWhileAClaimIsOutGoTogetherInTheNext() {
    groups.claim(1, 100, List.of(key("a")));
    CompletableFuture<Map<DedupKey, long[]>> b = groups.claim(1, 101, List.of(key("b")));
    CompletableFuture<Map<DedupKey, long[]>> c = groups.claim(1, 102, List.of(key("c")));
    assertThat(calls).hasSize(1);

    calls.get(0).answer().complete(Map.of());

    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).keys()).containsExactlyInAnyOrder(key("b"), key("c"));
    assertThat(calls.get(1).claimId()).isEqualTo(101);
    assertThat(b).isNotDone();
    calls.get(1).answer().complete(Map.of(key("c"), DedupEntry.stored(7)));
    assertThat(b.join()).isEmpty();
    assertThat(DedupEntry.offset(c.join().get(key("c")))).isEqualTo(7);
    assertThat(meters.get("esc.dedup.claim.batches").summary().max()).isEqualTo(2);
  }

  @Test
  void anIdInTwoBatchesOfAGroupIsClaimedForTheFirstAndBlocksTheSecond() {
    groups.claim(1, 100, List.of(key("a")));
    CompletableFuture<Map<DedupKey, long[]>> b = groups.claim(1, 101, List.of(key("x")));
    CompletableFuture<Map<DedupKey, long[]>> c = groups.claim(1, 102, List.of(key("x"), key("c")));
    calls.get(0).answer().complete(Map.of());

    assertThat(calls.get(1).keys()).containsExactlyInAnyOrder(key("x"), key("c"));
    calls.get(1).answer().complete(Map.of());

    assertThat(b.join()).isEmpty();
    assertThat(c.join()).containsOnlyKeys(key("x"));
    assertThat(DedupEntry.isStored(c.join().get(key("x")))).isFalse();
  }

  @Test
  void anIdStoredBeforeIsADuplicateForEveryBatchOfTheGroup() {
    groups.claim(1, 100, List.of(key("a")));
    CompletableFuture<Map<DedupKey, long[]>> b = groups.claim(1, 101, List.of(key("x")));
    CompletableFuture<Map<DedupKey, long[]>> c = groups.claim(1, 102, List.of(key("x")));
    calls.get(0).answer().complete(Map.of());

    calls.get(1).answer().complete(Map.of(key("x"), DedupEntry.stored(3)));

    assertThat(DedupEntry.offset(b.join().get(key("x")))).isEqualTo(3);
    assertThat(DedupEntry.offset(c.join().get(key("x")))).isEqualTo(3);
  }

  @Test
  void aFailedClaimFailsItsBatchesAndTheNextGroupStillGoes() {
    groups.claim(1, 100, List.of(key("a")));
    CompletableFuture<Map<DedupKey, long[]>> b = groups.claim(1, 101, List.of(key("b")));
    CompletableFuture<Map<DedupKey, long[]>> c = groups.claim(1, 102, List.of(key("c")));
    calls.get(0).answer().completeExceptionally(new IllegalStateException("member left"));

    calls.get(1).answer().completeExceptionally(new IllegalStateException("member left"));
    assertThatThrownBy(b::join).isInstanceOf(CompletionException.class);
    assertThatThrownBy(c::join).isInstanceOf(CompletionException.class);

    CompletableFuture<Map<DedupKey, long[]>> d = groups.claim(1, 103, List.of(key("d")));
    assertThat(calls).hasSize(3);
    calls.get(2).answer().complete(Map.of());
    assertThat(d.join()).isEmpty();
  }

  @Test
  void aGroupClaimsForOneTermOnly() {
    groups.claim(1, 100, List.of(key("a")));
    groups.claim(1, 101, List.of(key("b")));
    groups.claim(2, 200, List.of(key("c")));
    calls.get(0).answer().complete(Map.of());

    assertThat(calls.get(1).term()).isEqualTo(1);
    assertThat(calls.get(1).keys()).containsExactly(key("b"));
    calls.get(1).answer().complete(Map.of());

    assertThat(calls.get(2).term()).isEqualTo(2);
    assertThat(calls.get(2).keys()).containsExactly(key("c"));
  }
}
