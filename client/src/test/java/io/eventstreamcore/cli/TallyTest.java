package io.eventstreamcore.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eventstreamcore.protocol.Priority;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class TallyTest {
  @Test
  void aTallyCrossesProcessesOnOneLineWithItsLatencies() {
    Histogram latency = new Histogram(3);
    latency.recordValue(1_200);
    latency.recordValue(45_000);
    Tally sent = new Tally(Priority.LOW, latency, 10, 7, 2, 1);

    String line = sent.encode();
    Tally read = Tally.decode(line);

    assertThat(line).doesNotContain("\n");
    assertThat(Tally.isTally(line)).isTrue();
    assertThat(read.priority()).isEqualTo(Priority.LOW);
    assertThat(read.sent()).isEqualTo(10);
    assertThat(read.acked()).isEqualTo(7);
    assertThat(read.overloaded()).isEqualTo(2);
    assertThat(read.failed()).isEqualTo(1);
    assertThat(read.latency().getTotalCount()).isEqualTo(2);
    assertThat(read.latency().getValueAtPercentile(99)).isEqualTo(latency.getValueAtPercentile(99));
  }

  @Test
  void otherLinesAreNotTallies() {
    assertThat(Tally.isTally(LoadProcess.STARTED)).isFalse();
    assertThatThrownBy(() -> Tally.decode("tally LOW 1 2"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
