package io.eventstreamcore.node.processing;

import io.eventstreamcore.protocol.Topics;
import java.util.List;

/**
 * Which topics a processor takes: exact names, or prefixes ending in {@code *} ({@code *} alone is
 * every topic). Prefixes never match the engine's own topics; those must be named exactly.
 */
public record TopicPatterns(List<String> patterns) {
  public TopicPatterns {
    patterns = List.copyOf(patterns);
  }

  public boolean matches(String topic) {
    for (String p : patterns) {
      if (p.endsWith("*")) {
        if (!Topics.isInternal(topic) && topic.startsWith(p.substring(0, p.length() - 1))) {
          return true;
        }
      } else if (p.equals(topic)) {
        return true;
      }
    }
    return false;
  }
}
