package io.eventstreamcore.node.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class InFlightIdsTest {
  private static final DedupKey A = new DedupKey(1, 1);
  private static final DedupKey B = new DedupKey(2, 3);
  private final InFlightIds inFlight = new InFlightIds(10_000);

  @Test
  void aKeyIsHeldByItsBatchUntilThatBatchApplies() {
    assertThat(inFlight.admit(1, 10, List.of(A, B), 0)).isEmpty();
    assertThat(inFlight.admit(1, 11, List.of(A), 5)).containsExactly(A);
    assertThat(inFlight.admit(1, 10, List.of(A), 6)).as("its own batch, claimed again").isEmpty();
    inFlight.applied(List.of(A), 7);
    assertThat(inFlight.admit(1, 12, List.of(A, B), 7)).containsExactly(B);
  }

  @Test
  void aReleasedKeyIsFreeButOnlyItsOwnBatchReleasesIt() {
    inFlight.admit(1, 10, List.of(A), 0);
    inFlight.release(11, List.of(A));
    assertThat(inFlight.admit(1, 12, List.of(A), 1)).containsExactly(A);
    inFlight.release(10, List.of(A));
    assertThat(inFlight.admit(1, 13, List.of(A), 2)).isEmpty();
  }

  @Test
  void aNewTermHoldsNothing() {
    inFlight.admit(1, 10, List.of(A), 0);
    assertThat(inFlight.admit(2, 20, List.of(A), 1)).as("next term").isEmpty();
    assertThat(inFlight.admit(2, 21, List.of(A), 2)).containsExactly(A);
  }

  @Test
  void anAdmissionNeverLapsesByAgeWithinItsTerm() {
    // A batch answered TIMEOUT may still commit while its leader's term lasts: a resend must wait.
    inFlight.admit(1, 10, List.of(A), 0);
    assertThat(inFlight.admit(1, 11, List.of(A), 3_600_000)).containsExactly(A);
    inFlight.applied(List.of(A), 3_600_001);
    assertThat(inFlight.admit(1, 12, List.of(A), 3_600_002)).isEmpty();
  }
}
