package io.eventstreamcore.node.security;

import io.eventstreamcore.protocol.Topics;
import java.util.ArrayList;
import java.util.List;

/**
 * What a user may do, from the words of its users-file line:
 *
 * <ul>
 *   <li>{@code produce:<prefix>} and {@code consume:<prefix>}: topics whose names start with the
 *       prefix; {@code *} stands for every topic except the internal ones ({@code _dlq}, {@code
 *       _alerts}, …), which must be named;
 *   <li>{@code admin}: every topic, and membership, leadership, the dead-letter queue and the
 *       dashboard;
 *   <li>{@code member}: what a member of the cluster does: all of the above and the internal API.
 * </ul>
 */
public final class Rights {
  private static final String ALL = "*";

  /** Every right: what everyone has while authentication is off. */
  public static final Rights EVERYTHING = new Rights(true, true, List.of(), List.of());

  private final boolean member;
  private final boolean admin;
  private final List<String> produce;
  private final List<String> consume;

  private Rights(boolean member, boolean admin, List<String> produce, List<String> consume) {
    this.member = member;
    this.admin = admin || member;
    this.produce = List.copyOf(produce);
    this.consume = List.copyOf(consume);
  }

  public static Rights parse(List<String> words) {
    boolean member = false;
    boolean admin = false;
    List<String> produce = new ArrayList<>();
    List<String> consume = new ArrayList<>();
    for (String w : words) {
      if (w.equals("member")) {
        member = true;
      } else if (w.equals("admin")) {
        admin = true;
      } else if (w.startsWith("produce:") && w.length() > "produce:".length()) {
        produce.add(w.substring("produce:".length()));
      } else if (w.startsWith("consume:") && w.length() > "consume:".length()) {
        consume.add(w.substring("consume:".length()));
      } else {
        throw new IllegalArgumentException(
            "unknown right '"
                + w
                + "'; rights are admin, member, produce:<prefix>, consume:<prefix>"
                + " (a prefix of * is every non-internal topic)");
      }
    }
    return new Rights(member, admin, produce, consume);
  }

  public boolean admin() {
    return admin;
  }

  public boolean member() {
    return member;
  }

  /** Whether every topic may be written, so a request's topics need not be looked at. */
  public boolean producesAnywhere() {
    return admin;
  }

  public boolean mayProduce(String topic) {
    return admin || covered(produce, topic);
  }

  public boolean mayConsume(String topic) {
    return admin || covered(consume, topic);
  }

  /** Whether every topic a subscription to {@code prefix} can match may be read. */
  public boolean mayConsumePrefix(String prefix) {
    if (admin) {
      return true;
    }
    if (prefix.isEmpty()) {
      return false;
    }
    return covered(consume, prefix);
  }

  private static boolean covered(List<String> prefixes, String topicOrPrefix) {
    for (String p : prefixes) {
      if (p.equals(ALL) ? !Topics.isInternal(topicOrPrefix) : topicOrPrefix.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    if (member) {
      return "member";
    }
    if (admin) {
      return "admin";
    }
    return "produce:" + produce + " consume:" + consume;
  }
}
