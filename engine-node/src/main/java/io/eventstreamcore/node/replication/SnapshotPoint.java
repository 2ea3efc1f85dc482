package io.eventstreamcore.node.replication;

import java.util.Map;

/**
 * Where a snapshot stands: the Raft entry it includes last and the end offset of every topic once
 * that entry was applied. A follower copying the store from the leader aims for exactly this.
 */
public record SnapshotPoint(long term, long index, Map<String, Long> endOffsets) {}
