package io.eventstreamcore.node.storage;

import java.io.IOException;

/**
 * The store holds less of a topic than a snapshot says it fsynced: records the node acknowledged
 * are gone from its disk. The node cannot serve as the member it was; like a Raft log that fails
 * its checksums, this is reported as unreadable storage, so the operator gives it a fresh volume.
 */
public final class StoreDataLostException extends IOException {
  StoreDataLostException(String message) {
    super(message);
  }
}
