package io.eventstreamcore.node.replication;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.server.leader.LogAppender;

/**
 * Wakes the leader's log appenders when its commit index moves, so that each can tell its follower
 * at once ({@link CommitNewsRpc}). Ratis wakes an appender for new entries and for its own
 * follower's replies, but not when another follower's reply commits an entry; without commit-index
 * entries in the log (ADR 0034) a follower would then learn of the commit only with the next
 * heartbeat, up to 75 ms later.
 */
final class CommitNews {
  private static final String KEY = "esc.raft.commit-news";

  private final Set<LogAppender> appenders = ConcurrentHashMap.newKeySet();

  /** Puts this where the appenders Ratis makes from {@code parameters} find it. */
  void into(Parameters parameters) {
    parameters.put(KEY, this, CommitNews.class);
  }

  /** The one put into {@code parameters}, or null: a server started without it. */
  static CommitNews in(Parameters parameters) {
    return parameters == null ? null : parameters.get(KEY, CommitNews.class);
  }

  void register(LogAppender appender) {
    appenders.add(appender);
  }

  void unregister(LogAppender appender) {
    appenders.remove(appender);
  }

  /** Called after each apply: on a leader that follows a commit; elsewhere there is no appender. */
  void commitMoved() {
    for (LogAppender appender : appenders) {
      appender.notifyLogAppender();
    }
  }
}
