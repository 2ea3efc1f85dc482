package io.eventstreamcore.node.pipeline;

import io.eventstreamcore.protocol.Priority;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The topic → priority table and each topic's policy under load. A line {@code pattern = PRIORITY
 * [dead-letter]} applies to the topic named by the pattern, or to every topic starting with it when
 * it ends in {@code *}; an exact name wins over a prefix, a longer prefix over a shorter one. A
 * listed topic's priority replaces the one its events carry, so producers cannot promote
 * themselves; unlisted topics keep the event's own.
 */
public final class TopicPolicies {
  /** What happens to a topic's events when the node's state refuses their class. */
  public enum OnOverload {
    REFUSE,
    DEAD_LETTER
  }

  public record Policy(Priority priority, OnOverload onOverload) {}

  public static final TopicPolicies NONE = new TopicPolicies(Map.of(), List.of());

  private final Map<String, Policy> exact;
  private final List<Map.Entry<String, Policy>> prefixes;

  private TopicPolicies(Map<String, Policy> exact, List<Map.Entry<String, Policy>> prefixes) {
    this.exact = exact;
    this.prefixes = prefixes;
  }

  /**
   * @throws IllegalArgumentException naming the line that is not a valid policy
   */
  public static TopicPolicies parse(String text) {
    Map<String, Policy> exact = new LinkedHashMap<>();
    List<Map.Entry<String, Policy>> prefixes = new ArrayList<>();
    String[] lines = text.split("\\R");
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "line " + (n + 1) + ": expected 'topic = PRIORITY [dead-letter]', got '" + line + "'");
      }
      String pattern = line.substring(0, eq).strip();
      Policy policy = policy(line.substring(eq + 1).strip(), n + 1);
      if (pattern.endsWith("*")) {
        prefixes.add(Map.entry(pattern.substring(0, pattern.length() - 1), policy));
      } else {
        exact.put(pattern, policy);
      }
    }
    prefixes.sort(
        Comparator.comparingInt((Map.Entry<String, Policy> e) -> e.getKey().length()).reversed());
    return new TopicPolicies(Map.copyOf(exact), List.copyOf(prefixes));
  }

  private static Policy policy(String value, int line) {
    String[] words = value.split("\\s+");
    Priority priority;
    try {
      priority = Priority.valueOf(words[0].toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "line " + line + ": '" + words[0] + "' is not one of CRITICAL, HIGH, MEDIUM, LOW, BATCH");
    }
    if (words.length == 1) {
      return new Policy(priority, OnOverload.REFUSE);
    }
    if (words.length == 2 && words[1].equals("dead-letter")) {
      return new Policy(priority, OnOverload.DEAD_LETTER);
    }
    throw new IllegalArgumentException(
        "line " + line + ": after the priority only 'dead-letter' may follow, got '" + value + "'");
  }

  /** The priority a topic's event is admitted with. */
  public Priority priorityOf(String topic, Priority carried) {
    Policy p = find(topic);
    return p == null ? carried : p.priority();
  }

  public OnOverload onOverload(String topic) {
    Policy p = find(topic);
    return p == null ? OnOverload.REFUSE : p.onOverload();
  }

  private Policy find(String topic) {
    Policy p = exact.get(topic);
    if (p != null) {
      return p;
    }
    for (Map.Entry<String, Policy> e : prefixes) {
      if (topic.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  public int size() {
    return exact.size() + prefixes.size();
  }
}
