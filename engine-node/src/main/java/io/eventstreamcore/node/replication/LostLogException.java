package io.eventstreamcore.node.replication;

import java.io.IOException;

/**
 * This member's Raft storage is empty while the group still counts it as a member with the log it
 * acknowledged. Founding or voting with the empty log would let it elect a leader that lacks
 * committed entries (Raft amnesia), so it reports unreadable storage instead and waits to be
 * removed and added again as a new member.
 */
public final class LostLogException extends IOException {
  LostLogException(String message) {
    super(message);
  }
}
