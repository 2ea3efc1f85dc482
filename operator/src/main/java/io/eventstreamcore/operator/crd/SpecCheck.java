package io.eventstreamcore.operator.crd;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The CRD's validation again, in the operator: an API server without the CRD's schema (an older
 * CRD, validation off) must not make the operator build a broken cluster.
 */
public final class SpecCheck {
  private static final Pattern PRIORITY =
      Pattern.compile("^(CRITICAL|HIGH|MEDIUM|LOW|BATCH)( dead-letter)?$");
  private static final Pattern QUANTITY = Pattern.compile(EventClusterSpec.QUANTITY);

  private SpecCheck() {}

  /** What is wrong with the spec; empty when nothing. */
  public static List<String> problems(EventClusterSpec s) {
    List<String> problems = new ArrayList<>();
    if (s.replicas < 1 || s.replicas > 7 || s.replicas % 2 == 0) {
      problems.add("replicas must be odd and within 1..7, got " + s.replicas);
    }
    duration(problems, "raft.electionTimeoutMin", s.raft.electionTimeoutMin);
    duration(problems, "raft.electionTimeoutMax", s.raft.electionTimeoutMax);
    duration(problems, "batching.linger", s.batching.linger);
    duration(problems, "dedup.window", s.dedup.window);
    duration(problems, "recovery.unhealthyAfter", s.recovery.unhealthyAfter);
    if (s.storage.size == null || !QUANTITY.matcher(s.storage.size).matches()) {
      problems.add("storage.size '" + s.storage.size + "' is not a quantity like 10Gi");
    }
    s.topicPriorities.forEach(
        (topic, value) -> {
          if (value == null || !PRIORITY.matcher(value).matches()) {
            problems.add(
                "topicPriorities." + topic + " '" + value + "' is not PRIORITY [dead-letter]");
          }
        });
    if (s.replicas > 1
        && s.disruptionBudget.enabled
        && s.disruptionBudget.maxUnavailable > s.replicas / 2) {
      problems.add("disruptionBudget.maxUnavailable must be at most replicas / 2");
    }
    return problems;
  }

  private static void duration(List<String> problems, String field, String value) {
    if (value == null || !value.matches(EventClusterSpec.DURATION)) {
      problems.add(field + " '" + value + "' is not a duration like 150ms, 10s, 5m");
    }
  }
}
