package io.eventstreamcore.node.api;

import io.eventstreamcore.node.security.Rights;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an HTTP request needs, by method and path. Anything not named here needs {@code admin}, so a
 * new endpoint is closed until someone opens it on purpose.
 */
record AccessRule(Kind kind, String topic) {
  enum Kind {
    /** Health probes and metrics: the kubelet and Prometheus call them without credentials. */
    OPEN,
    /** Any user: the cluster's shape, the topic list, aggregates. */
    AUTHENTICATED,
    PRODUCE,
    CONSUME,
    /** Membership, leadership, the dead-letter queue, the dashboard. */
    ADMIN,
    /** The internal API members copy records through. */
    MEMBER
  }

  private static final Pattern TOPIC_EVENTS = Pattern.compile("^/api/v1/topics/([^/]+)/events/?$");
  private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._/-]+");

  static AccessRule of(String method, String rawPath) {
    // Metrics are rates and counts per topic, no events (docs/operations.md, Security).
    if (rawPath.startsWith("/q/health") || rawPath.equals("/q/metrics")) {
      return new AccessRule(Kind.OPEN, null);
    }
    if (rawPath.startsWith("/internal/")) {
      return new AccessRule(Kind.MEMBER, null);
    }
    Matcher m = TOPIC_EVENTS.matcher(rawPath);
    if (m.matches()) {
      String topic = decode(m.group(1));
      boolean named = topic != null && TOPIC_NAME.matcher(topic).matches();
      if (named && method.equals("POST")) {
        return new AccessRule(Kind.PRODUCE, topic);
      }
      if (named && method.equals("GET")) {
        return new AccessRule(Kind.CONSUME, topic);
      }
      return new AccessRule(Kind.ADMIN, null);
    }
    boolean read = method.equals("GET") || method.equals("HEAD");
    if (read
        && (rawPath.equals("/api/v1/topics")
            || rawPath.equals("/api/v1/node")
            || rawPath.equals("/api/v1/cluster")
            || rawPath.startsWith("/api/v1/aggregates"))) {
      return new AccessRule(Kind.AUTHENTICATED, null);
    }
    return new AccessRule(Kind.ADMIN, null);
  }

  /** Whether rights allow this request (for a principal who has authenticated). */
  boolean allows(Rights rights) {
    return switch (kind) {
      case OPEN, AUTHENTICATED -> true;
      case PRODUCE -> rights.mayProduce(topic);
      case CONSUME -> rights.mayConsume(topic);
      case ADMIN -> rights.admin();
      case MEMBER -> rights.member();
    };
  }

  /** The right a refused request lacked, for the refusal's message. */
  String needed() {
    return switch (kind) {
      case PRODUCE -> "produce:<a prefix of " + topic + ">";
      case CONSUME -> "consume:<a prefix of " + topic + ">";
      case MEMBER -> "the member right";
      default -> "the admin right";
    };
  }

  private static String decode(String segment) {
    try {
      // A path segment: '+' is a plus, not a space.
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
